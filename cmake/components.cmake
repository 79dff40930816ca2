# Building test and example components at build time with jco (npm
# @bytecodealliance/jco, installed into the build tree by scripts/install-jco.sh,
# which scripts/install-deps.sh runs; the build runs it too if it is missing).
set(WIPPY_MAKE_COMPONENT ${CMAKE_CURRENT_LIST_DIR}/make_component.mjs)
find_program(NODE node REQUIRED)
set(WIPPY_JCO_DIR ${CMAKE_BINARY_DIR}/jco CACHE PATH "Where jco is installed (scripts/install-jco.sh)")
set(JCO_PACKAGE ${WIPPY_JCO_DIR}/node_modules/@bytecodealliance/jco/package.json)
add_custom_command(OUTPUT ${JCO_PACKAGE}
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/install-jco.sh ${WIPPY_JCO_DIR}
  COMMENT "installing jco into ${WIPPY_JCO_DIR}")
add_custom_target(jco DEPENDS ${JCO_PACKAGE})

# wippy_component_guest(NAME SOURCE WIT WORLD ENCODING [FLAGS ...] [WIT_DEPS file ...] [HEADERS file ...]):
#   C SOURCE -> core module (reactor, no libc start files) -> component
#   ${WIPPY_GUEST_DIR}/NAME.component.wasm. WIT_DEPS are appended to WIT and HEADERS
#   are what SOURCE includes (shared client subsets: cmake/guest/wasi_http_client.*).
function(wippy_component_guest name source wit world encoding)
  cmake_parse_arguments(G "" "" "FLAGS;WIT_DEPS;HEADERS" ${ARGN})
  if(G_HEADERS)
    list(APPEND G_FLAGS -I${CMAKE_SOURCE_DIR}/cmake/guest)
  endif()
  wippy_c_guest(${name}_core SOURCES ${source}
    FLAGS -mexec-model=reactor -nostartfiles -Wl,--no-entry ${G_FLAGS}
    DEPENDS ${G_HEADERS})
  set(core ${WIPPY_GUEST_DIR}/${name}_core.wasm)
  set(out ${WIPPY_GUEST_DIR}/${name}.component.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${NODE} ${WIPPY_MAKE_COMPONENT} ${WIPPY_JCO_DIR} ${core} ${wit} ${world} ${encoding} ${out} ${G_WIT_DEPS}
    DEPENDS ${core} ${wit} ${G_WIT_DEPS} ${JCO_PACKAGE} ${WIPPY_MAKE_COMPONENT}
    COMMENT "component ${name} (jco, ${encoding})")
  add_custom_target(guest_${name} DEPENDS ${out})
  add_dependencies(guest_${name} guest_${name}_core jco)
  add_dependencies(guests guest_${name})
endfunction()

# wippy_component_wat(NAME SOURCE): a component written in the component text format
# -> ${WIPPY_GUEST_DIR}/NAME.component.wasm (jco parse, i.e. wasm-tools' parser).
function(wippy_component_wat name source)
  set(out ${WIPPY_GUEST_DIR}/${name}.component.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${NODE} ${WIPPY_JCO_DIR}/node_modules/@bytecodealliance/jco/dist/jco.js parse ${source} -o ${out}
    DEPENDS ${source} ${JCO_PACKAGE}
    COMMENT "component text ${name}")
  add_custom_target(guest_${name} DEPENDS ${out})
  add_dependencies(guest_${name} jco)
  add_dependencies(guests guest_${name})
endfunction()


# wippy_js_guest(NAME SOURCE WIT WORLD [DISABLED features]): SOURCE componentized by
# componentize-js (SpiderMonkey inside, about a minute) ->
# ${WIPPY_GUEST_DIR}/NAME.component.wasm, and transpiled by jco into
# ${CMAKE_CURRENT_BINARY_DIR}/NAME_js for a reference run on node. NAME.status says
# "built" or why it was skipped. DISABLED: see cmake/componentize_js.mjs.
function(wippy_js_guest name source wit world)
  cmake_parse_arguments(G "" "DISABLED" "" ${ARGN})
  set(status ${WIPPY_GUEST_DIR}/${name}.status)
  set(script ${CMAKE_SOURCE_DIR}/cmake/componentize_js.mjs)
  add_custom_command(OUTPUT ${status}
    BYPRODUCTS ${WIPPY_GUEST_DIR}/${name}.component.wasm
    COMMAND ${NODE} ${script} ${WIPPY_JCO_DIR} ${source} ${wit} ${world} ${WIPPY_GUEST_DIR}/${name}.component.wasm
            ${CMAKE_CURRENT_BINARY_DIR}/${name}_js ${status} ${G_DISABLED}
    DEPENDS ${source} ${wit} ${script} ${JCO_PACKAGE}
    COMMENT "componentize-js ${name} (about a minute)")
  add_custom_target(guest_${name} DEPENDS ${status})
  add_dependencies(guest_${name} jco)
  add_dependencies(guests guest_${name})
endfunction()
