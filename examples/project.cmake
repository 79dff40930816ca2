# Copies an example project into the build tree and writes the hash of each WASM
# module it uses into its YAML files.
#   cmake -DSRC=<project> -DDST=<build copy> -DGUEST_DIR=<dir> -DWASM=guest:file,... -P project.cmake
# For each guest:file pair, <GUEST_DIR>/<guest>.wasm is copied to <DST>/wasm/<file> and
# every "@SHA256(<file>)@" in <DST>/src/**.yaml is replaced by the file's sha256 (hex).
file(REMOVE_RECURSE ${DST})
file(COPY ${SRC}/ DESTINATION ${DST} PATTERN guest EXCLUDE)
file(MAKE_DIRECTORY ${DST}/wasm)
file(GLOB_RECURSE yamls ${DST}/src/*.yaml ${DST}/src/*.yml)
string(REPLACE "," ";" pairs "${WASM}")
foreach(pair IN LISTS pairs)
  if(pair STREQUAL "")
    continue()
  endif()
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 guest)
  list(GET parts 1 name)
  file(COPY_FILE ${GUEST_DIR}/${guest}.wasm ${DST}/wasm/${name})
  file(SHA256 ${DST}/wasm/${name} hash)
  foreach(y IN LISTS yamls)
    file(READ ${y} text)
    string(REPLACE "@SHA256(${name})@" "${hash}" text "${text}")
    file(WRITE ${y} "${text}")
  endforeach()
endforeach()
file(WRITE ${DST}/.stamp "")
