# What `cmake --install` puts under the prefix: the public headers (include/wippy
# only), the static libraries behind wippy::engine, the Lua module, the `wippy`
# binary, a CMake package (find_package(wippy) -> wippy::engine) and a pkg-config file.
include(CMakePackageConfigHelpers)

set(WIPPY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/wippy)
set(WIPPY_LUA_CMOD_DIR ${CMAKE_INSTALL_LIBDIR}/lua/5.4 CACHE STRING
    "Where wippy.so goes, relative to the prefix (lua5.4's default cpath has <prefix>/lib/lua/5.4)")

install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/wippy ${CMAKE_BINARY_DIR}/include/wippy
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(TARGETS wippy_api wippy_wasi wippy_component wippy_engine wippy_interp wippy_log EXPORT wippyTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS wippy_luamod LIBRARY DESTINATION ${WIPPY_LUA_CMOD_DIR})
install(TARGETS wippy RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/wippy)

install(EXPORT wippyTargets NAMESPACE wippy:: DESTINATION ${WIPPY_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/wippyConfig.cmake.in
  ${CMAKE_BINARY_DIR}/wippyConfig.cmake INSTALL_DESTINATION ${WIPPY_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/wippyConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/wippyConfig.cmake ${CMAKE_BINARY_DIR}/wippyConfigVersion.cmake
        DESTINATION ${WIPPY_CMAKE_DIR})

configure_file(${CMAKE_SOURCE_DIR}/cmake/wippy.pc.in ${CMAKE_BINARY_DIR}/wippy.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/wippy.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
