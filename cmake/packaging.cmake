# Man pages (scdoc sources beside the tools), bash completion, and the Debian packages that
# `cpack -G DEB` makes from a BUILD_SHARED_LIBS=ON build (scripts/package.sh):
#   libbingads-budgets0     the shared library            (component libs)
#   libbingads-budgets-dev  headers, static library, CMake package, pkg-config file (dev)
#   bingads-budgets-tools   CLI, emulator, man pages, bash completion (tools)

# --- man pages: built with the project when scdoc is there (scripts/install-deps.sh has it) ------
find_program(SCDOC scdoc)
find_program(GZIP gzip)
set(BINGADS_MAN_PAGES
  ${CMAKE_CURRENT_SOURCE_DIR}/tools/cli/bingads-budgets.1.scd
  ${CMAKE_CURRENT_SOURCE_DIR}/tools/emulator/bingads-emulator.1.scd)
if(SCDOC AND GZIP)
  set(man_outputs "")
  foreach(source ${BINGADS_MAN_PAGES})
    get_filename_component(page ${source} NAME_WLE)  # bingads-budgets.1
    set(output ${PROJECT_BINARY_DIR}/man/${page})
    add_custom_command(OUTPUT ${output} ${output}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${SCDOC} < ${source} > ${output}
      COMMAND ${GZIP} -9nc ${output} > ${output}.gz
      DEPENDS ${source} VERBATIM)
    list(APPEND man_outputs ${output}.gz)
    install(FILES ${output}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  endforeach()
  add_custom_target(bingads_man_pages ALL DEPENDS ${man_outputs})
else()
  message(STATUS "scdoc or gzip not found: man pages are not built")
endif()

foreach(tool cli/bingads-budgets emulator/bingads-emulator)
  get_filename_component(command ${tool} NAME)
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/tools/${tool}.bash
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${command}
    COMPONENT tools)
endforeach()

# --- Debian packages ------------------------------------------------------------------------------
set(BINGADS_PACKAGE_MAINTAINER "bingads-budgets developers <maintainers@bingads-budgets.invalid>"
  CACHE STRING "Maintainer field of the Debian packages")
# CMake's TIMESTAMP honours SOURCE_DATE_EPOCH, for reproducible packages.
string(TIMESTAMP BINGADS_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(cmake/debian/changelog.in ${PROJECT_BINARY_DIR}/debian/changelog @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
  COMMAND ${GZIP} -9nc ${PROJECT_BINARY_DIR}/debian/changelog > ${PROJECT_BINARY_DIR}/debian/changelog.gz
  DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog VERBATIM)
add_custom_target(bingads_debian_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz)

set(BINGADS_DEB_NAMES libs libbingads-budgets${PROJECT_VERSION_MAJOR} dev libbingads-budgets-dev
  tools bingads-budgets-tools)
foreach(component libs dev tools)
  list(FIND BINGADS_DEB_NAMES ${component} at)
  math(EXPR at "${at} + 1")
  list(GET BINGADS_DEB_NAMES ${at} package)
  install(FILES cmake/debian/copyright ${PROJECT_BINARY_DIR}/debian/changelog.gz
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
  string(TOUPPER ${component} upper)
  set(CPACK_DEBIAN_${upper}_PACKAGE_NAME ${package})
  set(CPACK_DEBIAN_${upper}_FILE_NAME DEB-DEFAULT)
endforeach()

set(CPACK_PACKAGE_NAME bingads-budgets)
set(CPACK_PACKAGE_VENDOR "bingads-budgets developers")
set(CPACK_PACKAGE_CONTACT ${BINGADS_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL libs dev tools)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${BINGADS_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # runtime dependencies from dpkg-shlibdeps
set(CPACK_DEBIAN_LIBS_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # a shlibs file for the library package
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")  # no ABI promise within 0.x
# The dynamic linker's cache is refreshed by dpkg's ldconfig trigger (Debian policy 8.1.1).
set(CPACK_DEBIAN_LIBS_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/cmake/debian/libs/triggers)
set(CPACK_DEBIAN_LIBS_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
# The -dev package: the shared library of the same version, and what the static library and the
# CMake package need to link (find_dependency: libcurl, pugixml, gSOAP's pkg-config file).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libbingads-budgets${PROJECT_VERSION_MAJOR} (= ${PROJECT_VERSION}), libcurl4-openssl-dev | libcurl-dev, libgsoap-dev, libpugixml-dev, libzip-dev, pkg-config")
set(CPACK_COMPONENT_LIBS_DESCRIPTION
  "C++ client for Microsoft Advertising shared budgets (SOAP and REST)\nThe shared library of bingads-budgets: the five shared-budget operations of\nthe Microsoft Advertising Campaign Management API v13 over SOAP and REST,\none domain model for both, batching, retries, OAuth and a parity harness\nthat runs the same work over both protocols.")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "C++ client for Microsoft Advertising shared budgets (development files)\nHeaders, the static library, the CMake package (find_package(bingads_budgets))\nand the pkg-config file (bingads_budgets) of bingads-budgets.")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
  "Command-line tool and emulator for Microsoft Advertising shared budgets\nbingads-budgets runs the shared-budget operations over SOAP or REST and\ncompares the two protocols; bingads-emulator is a local stand-in for the\nservice that speaks both wire formats.")
include(CPack)
