# Helpers that compile test guests from source at build time.
#   wippy_c_guest(NAME SOURCES... [FLAGS ...])  -> ${CMAKE_BINARY_DIR}/guests/NAME.wasm
#   wippy_wat_guest(NAME SOURCE [wat2wasm flags...]) -> ${CMAKE_BINARY_DIR}/guests/NAME.wasm
# Each adds a custom target guest_NAME; the target `guests` depends on all of them.
find_program(WASM_CLANG NAMES clang-14 clang REQUIRED)
find_program(WAT2WASM wat2wasm REQUIRED)
find_program(WAST2JSON wast2json REQUIRED)
# Debian's wasi-libc installs into /usr/include/wasm32-wasi and /usr/lib/wasm32-wasi,
# where clang finds it without --sysroot; other distributions use a separate sysroot.
if(EXISTS /usr/share/wasi-sysroot)
  set(_wippy_default_sysroot /usr/share/wasi-sysroot)
else()
  set(_wippy_default_sysroot "")
endif()
set(WASI_SYSROOT "${_wippy_default_sysroot}" CACHE PATH "wasi-libc sysroot (empty: the compiler's default)")
set(WIPPY_GUEST_DIR ${CMAKE_BINARY_DIR}/guests)
file(MAKE_DIRECTORY ${WIPPY_GUEST_DIR})
if(NOT TARGET guests)
  add_custom_target(guests ALL)
endif()

function(wippy_c_guest name)
  cmake_parse_arguments(G "" "" "SOURCES;FLAGS;DEPENDS" ${ARGN})
  set(out ${WIPPY_GUEST_DIR}/${name}.wasm)
  set(sysroot_flag)
  if(WASI_SYSROOT)
    set(sysroot_flag --sysroot=${WASI_SYSROOT})
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${WASM_CLANG} --target=wasm32-wasi ${sysroot_flag} -O2 ${G_FLAGS} -o ${out} ${G_SOURCES}
    DEPENDS ${G_SOURCES} ${G_DEPENDS}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "wasm32-wasi guest ${name}")
  add_custom_target(guest_${name} DEPENDS ${out})
  add_dependencies(guests guest_${name})
endfunction()

function(wippy_wat_guest name source)
  set(out ${WIPPY_GUEST_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${WAT2WASM} --debug-names ${ARGN} -o ${out} ${source}
    DEPENDS ${source}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "wat guest ${name}")
  add_custom_target(guest_${name} DEPENDS ${out})
  add_dependencies(guests guest_${name})
endfunction()
