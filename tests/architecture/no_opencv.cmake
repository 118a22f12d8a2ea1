# Issue 16: files/ (the file formats) and report/ (renderings of result values) do not include
# OpenCV, directly or through a photo/ header; only photo/ and session/ do. Each source is
# preprocessed (-M: the header list) with the project's include directories and without
# OpenCV's, so an OpenCV include anywhere below it fails as "No such file", and any header path
# naming opencv2 that the system might still find fails the check too.
#   cmake -DCXX=… -DSRC=src -DGEN=build/generated -DDIRS=files,report -P no_opencv.cmake
string(REPLACE "," ";" DIRS "${DIRS}")
set(failed 0)
set(checked 0)
foreach(dir IN LISTS DIRS)
  file(GLOB sources ${SRC}/${dir}/*.cpp ${SRC}/${dir}/*.hpp)
  foreach(source IN LISTS sources)
    execute_process(
      COMMAND ${CXX} -std=c++20 -x c++ -M -I${SRC} -I${GEN} ${source}
      RESULT_VARIABLE rc OUTPUT_VARIABLE deps ERROR_VARIABLE err)
    math(EXPR checked "${checked} + 1")
    if(NOT rc EQUAL 0)
      string(REGEX REPLACE "\n.*" "" first_line "${err}")
      message("${source}: does not preprocess without OpenCV: ${first_line}")
      set(failed 1)
    elseif(deps MATCHES "opencv2")
      message("${source}: includes an OpenCV header")
      set(failed 1)
    endif()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no source found under ${SRC} for ${DIRS}")
endif()
if(failed)
  message(FATAL_ERROR "OpenCV reaches ${DIRS} (see above)")
endif()
message(STATUS "${checked} sources of ${DIRS} preprocess without OpenCV")
