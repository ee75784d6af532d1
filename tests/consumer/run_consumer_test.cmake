# Installs the khabar build tree into a fresh prefix, then configures, builds and runs the
# consumer project against it. Invoked by ctest with -D KHABAR_BUILD_DIR, CONSUMER_SOURCE_DIR,
# WORK_DIR and KHABAR_EXPECTED_VERSION (the project() version, which the installed package
# must carry).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer test step failed (${result}): ${ARGN}")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install ${KHABAR_BUILD_DIR} --prefix ${prefix})
run_step(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build
  -D CMAKE_PREFIX_PATH=${prefix} -D CMAKE_BUILD_TYPE=Release
  -D KHABAR_EXPECTED_VERSION=${KHABAR_EXPECTED_VERSION})
run_step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run_step(${WORK_DIR}/build/consumer)
