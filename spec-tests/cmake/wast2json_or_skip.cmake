# Converts one .wast script with wast2json (cmake -P). If this wast2json cannot
# convert it, writes a script without commands whose "unconvertible" field says why,
# so that the runner reports the file as skipped with that reason instead of the
# build failing or the file disappearing from the counts.
#   -DWAST2JSON=... -DWAST=name.wast -DJSON=out.json -DFLAGS=--enable-x,--enable-y
string(REPLACE "," ";" FLAGS "${FLAGS}")
execute_process(
  COMMAND ${WAST2JSON} ${FLAGS} ${WAST} -o ${JSON}
  RESULT_VARIABLE rc
  ERROR_VARIABLE err
  OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  execute_process(COMMAND ${WAST2JSON} --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
  # The first line of the error, as a JSON string.
  string(REGEX REPLACE "\n.*" "" first_line "${err}")
  string(REPLACE "\\" "\\\\" first_line "${first_line}")
  string(REPLACE "\"" "\\\"" first_line "${first_line}")
  string(REPLACE "\t" " " first_line "${first_line}")
  message(WARNING "wast2json ${version} cannot convert ${WAST}: ${first_line}")
  file(WRITE ${JSON}
    "{\"source_filename\": \"${WAST}\", \"unconvertible\": \"wast2json ${version} cannot convert it: ${first_line}\", \"commands\": []}\n")
endif()
