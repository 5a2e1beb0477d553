# Unit tests: every tests/unit/<module>/test_<module>.c is one cmocka
# executable and one ctest entry. CLI contract tests and differential tests
# are Python scripts (standard library only) run with Debian's python3.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

set(VT_TEST_ENV
  "VT_DATA_DIR=${VT_DATA_DIR}"
  "VT_BIN=$<TARGET_FILE:vulntrack>"
  "VT_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

file(GLOB VT_UNIT_TESTS CONFIGURE_DEPENDS tests/unit/*/test_*.c)
foreach(src ${VT_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  file(GLOB extra CONFIGURE_DEPENDS ${dir}/support_*.c)
  add_executable(${name} ${src} ${extra})
  target_include_directories(${name} PRIVATE src tests/unit)
  target_link_libraries(${name} PRIVATE vulntrack_lib PkgConfig::CMOCKA)
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES ENVIRONMENT "${VT_TEST_ENV}")
endforeach()

file(GLOB VT_PY_TESTS CONFIGURE_DEPENDS tests/cli/test_*.py tests/differential/test_*.py)
foreach(src ${VT_PY_TESTS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(kind ${dir} NAME)
  add_test(NAME ${kind}/${name} COMMAND ${VT_PYTHON} ${src})
  set_tests_properties(${kind}/${name} PROPERTIES ENVIRONMENT "${VT_TEST_ENV}")
endforeach()
