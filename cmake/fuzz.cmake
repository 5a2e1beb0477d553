# Fuzz targets: fuzz/<t>_fuzz.c defines LLVMFuzzerTestOneInput. Every target
# is built with the standalone replay driver and replays fuzz/corpus/<t>/
# under ctest (any compiler); with VT_FUZZ=ON (clang) a libFuzzer binary too.
if(VT_FUZZ)
  # Coverage instrumentation for the library too, or libFuzzer would see only
  # the target file and fuzz blind.
  target_compile_options(vulntrack_lib PRIVATE -fsanitize=fuzzer-no-link)
endif()
file(GLOB VT_FUZZ_TARGETS CONFIGURE_DEPENDS fuzz/*_fuzz.c)
foreach(src ${VT_FUZZ_TARGETS})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "_fuzz$" "" target ${name})
  add_executable(${name}_replay ${src} fuzz/standalone_driver.c)
  target_link_libraries(${name}_replay PRIVATE vulntrack_lib)
  if(VT_BUILD_TESTS)
    add_test(NAME fuzz/${target}
             COMMAND ${name}_replay ${CMAKE_SOURCE_DIR}/fuzz/corpus/${target})
  endif()
  if(VT_FUZZ)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE vulntrack_lib)
  endif()
endforeach()
