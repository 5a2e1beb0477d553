# Benchmarks: every bench/bench_<x>.c is a program that prints figures and
# ratios. They are built with the project but never run by ctest.
file(GLOB VT_BENCH_SOURCES CONFIGURE_DEPENDS bench/bench_*.c)
foreach(src ${VT_BENCH_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE vulntrack_lib)
endforeach()

# The HTTP load generator for `vulntrack serve` (bench/run_intake.sh). It
# uses only the library's buffers and checked parsers.
add_executable(loadgen bench/loadgen.c)
target_link_libraries(loadgen PRIVATE vulntrack_lib Threads::Threads)
