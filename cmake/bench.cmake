# Benchmarks: every bench/bench_<x>.c is a program that prints figures and
# ratios. They are built with the project but never run by ctest.
file(GLOB VT_BENCH_SOURCES CONFIGURE_DEPENDS bench/bench_*.c)
foreach(src ${VT_BENCH_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE vulntrack_lib)
endforeach()
