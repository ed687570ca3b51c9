# Packages, split the way Debian splits a library and its tools (CPack components):
#   vpcprobe         component cli: /usr/bin/vpcprobe, the man pages, bash completion;
#                    postinst grants CAP_NET_RAW with setcap (packaging/debian/vpcprobe/postinst).
#                    The CLI carries the library's objects (and libstdc++) itself, for a cheap
#                    start (bench/README.md, footprint): it does not need libvpcprobe0.
#   libvpcprobe0     component lib: libvpcprobe.so.0 (named after its SONAME); ldconfig trigger
#   libvpcprobe-dev  component dev: headers, the libvpcprobe.so link, vpcprobe.pc, CMake config
# RPMs (configured; built where rpmbuild exists) are split the Fedora way: vpcprobe,
# vpcprobe-libs, vpcprobe-devel.
# `cpack -G DEB` in a build directory writes the three .debs there; tests/packaging/ builds them,
# runs lintian on them and installs them. The static build (VPCPROBE_STATIC) packs only the CLI,
# as a tarball.
set(CPACK_PACKAGE_NAME "vpcprobe")
set(CPACK_PACKAGE_VENDOR "vpcprobe maintainers")
set(CPACK_PACKAGE_CONTACT "vpcprobe maintainers <vpcprobe@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack-project-config.cmake)

set(VPCPROBE_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})

# Debian wants a copyright file and a changelog in /usr/share/doc/PACKAGE of every package.
set(_vpcprobe_changelog_gz ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${_vpcprobe_changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND gzip -9nc ${VPCPROBE_PACKAGING_DIR}/debian/changelog > ${_vpcprobe_changelog_gz}
  DEPENDS ${VPCPROBE_PACKAGING_DIR}/debian/changelog VERBATIM)
add_custom_target(package_docs ALL DEPENDS ${_vpcprobe_changelog_gz})
foreach(_pair IN ITEMS "cli;vpcprobe" "lib;libvpcprobe0" "dev;libvpcprobe-dev")
  list(GET _pair 0 _component)
  list(GET _pair 1 _package)
  if(VPCPROBE_STATIC AND NOT _component STREQUAL "cli")
    continue()
  endif()
  install(FILES ${VPCPROBE_PACKAGING_DIR}/debian/copyright ${_vpcprobe_changelog_gz}
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_package} COMPONENT ${_component})
endforeach()

set(CPACK_COMPONENT_CLI_DISPLAY_NAME "vpcprobe command")
set(CPACK_COMPONENT_CLI_DESCRIPTION
  "find which network layer breaks the private VPC path
vpcprobe probes a service over its private (VPC) and public addresses at
every layer (route, link, neighbor/ARP, ICMP, TCP, path MTU) and names the
layer that fails, with the evidence and the command that repairs it. It also
audits the kernel's neighbor table against the wire (stale ARP entries).
.
The package grants /usr/bin/vpcprobe CAP_NET_RAW with setcap, as iputils-ping
does for ping; vpcprobe drops it right after opening its sockets.")
set(CPACK_COMPONENT_LIB_DISPLAY_NAME "libvpcprobe runtime")
set(CPACK_COMPONENT_LIB_DESCRIPTION
  "network layer diagnosis library (runtime)
libvpcprobe holds the wire formats, rtnetlink queries, asynchronous ARP, ICMP
and TCP probes, verdicts and renderers behind the vpcprobe command.
.
This package contains the shared library.")
set(CPACK_COMPONENT_DEV_DISPLAY_NAME "libvpcprobe development files")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "network layer diagnosis library (development files)
libvpcprobe holds the wire formats, rtnetlink queries, asynchronous ARP, ICMP
and TCP probes, verdicts and renderers behind the vpcprobe command.
.
This package contains the C++23 headers, the pkg-config file (vpcprobe.pc)
and the CMake package (find_package(vpcprobe), target vpcprobe::vpcprobe).")

if(VPCPROBE_STATIC)
  set(CPACK_GENERATOR "TGZ")
  set(CPACK_COMPONENTS_ALL cli)
  set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
  set(CPACK_PACKAGE_FILE_NAME "vpcprobe-${PROJECT_VERSION}-static-${CMAKE_SYSTEM_PROCESSOR}")
  include(CPack)
  return()
endif()

set(CPACK_COMPONENTS_ALL cli lib dev)
set(CPACK_COMPONENT_DEV_DEPENDS lib)

# --- DEB
set(CPACK_GENERATOR "DEB")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)      # -dev: Depends libvpcprobe0 (= VERSION)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)             # Depends on libc6, libmnl0, libcap2, ...
# dpkg-shlibdeps must find libvpcprobe.so.0 for the CLI; the dependency on it comes from above.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)       # DEBIAN/shlibs of libvpcprobe0
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME "vpcprobe")
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_CLI_PACKAGE_RECOMMENDS "libcap2-bin")  # setcap, used by postinst
# libpcap is dlopen()ed for --pcap (lib/src/sys/pcap_api.cpp), so dpkg-shlibdeps cannot see it:
# named here (1.5: pcap_set_immediate_mode), and merged with what shlibdeps finds.
# OpenSSL 3 likewise, for the application layer's TLS handshakes (lib/src/net/ssl_api.hpp).
set(VPCPROBE_DEB_PCAP "libpcap0.8 (>= 1.5), libssl3")
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "${VPCPROBE_DEB_PCAP}")
set(CPACK_DEBIAN_LIB_PACKAGE_DEPENDS "${VPCPROBE_DEB_PCAP}")
set(CPACK_DEBIAN_CLI_PACKAGE_CONTROL_EXTRA ${VPCPROBE_PACKAGING_DIR}/debian/vpcprobe/postinst)

set(CPACK_DEBIAN_LIB_PACKAGE_NAME "libvpcprobe0")
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION "libs")
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA  # triggers: activate-noawait ldconfig
  ${VPCPROBE_PACKAGING_DIR}/debian/libvpcprobe0/triggers
  ${VPCPROBE_PACKAGING_DIR}/debian/libvpcprobe0/postinst
  ${VPCPROBE_PACKAGING_DIR}/debian/libvpcprobe0/postrm)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME "libvpcprobe-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "libdevel")
# What the public headers include (Boost.Asio, fmt) and what find_package(vpcprobe) looks for.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libboost-dev (>= 1.74), libfmt-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)        # nothing to scan: a link, headers, text files

# --- RPM (Fedora-style names; configured, and built by `cpack -G RPM` where rpmbuild exists)
find_program(VPCPROBE_RPMBUILD rpmbuild)
if(VPCPROBE_RPMBUILD)
  list(APPEND CPACK_GENERATOR "RPM")
endif()
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-not-yet-chosen")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_PACKAGE_AUTOREQPROV ON)
set(CPACK_RPM_CLI_PACKAGE_NAME "vpcprobe")
set(CPACK_RPM_LIB_PACKAGE_NAME "vpcprobe-libs")
set(CPACK_RPM_DEV_PACKAGE_NAME "vpcprobe-devel")
set(CPACK_RPM_CLI_PACKAGE_SUMMARY "find which network layer breaks the private VPC path")
set(CPACK_RPM_LIB_PACKAGE_SUMMARY "network layer diagnosis library (runtime)")
set(CPACK_RPM_DEV_PACKAGE_SUMMARY "network layer diagnosis library (development files)")
set(CPACK_RPM_CLI_PACKAGE_REQUIRES "libpcap >= 1.5, openssl-libs >= 3")   # dlopen()ed: not found by autoreq
set(CPACK_RPM_LIB_PACKAGE_REQUIRES "libpcap >= 1.5, openssl-libs >= 3")
set(CPACK_RPM_DEV_PACKAGE_REQUIRES "vpcprobe-libs = ${PROJECT_VERSION}, boost-devel >= 1.74, fmt-devel")
set(CPACK_RPM_CLI_POST_INSTALL_SCRIPT_FILE ${VPCPROBE_PACKAGING_DIR}/rpm/vpcprobe.post)
set(CPACK_RPM_LIB_POST_INSTALL_SCRIPT_FILE ${VPCPROBE_PACKAGING_DIR}/rpm/ldconfig.sh)
set(CPACK_RPM_LIB_POST_UNINSTALL_SCRIPT_FILE ${VPCPROBE_PACKAGING_DIR}/rpm/ldconfig.sh)
set(CPACK_RPM_DEBUGINFO_PACKAGE OFF)
# Directories other packages own. (Built on Debian, the RPMs keep Debian's library directory; build
# them on the target distribution for its own, e.g. lib64.)
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /usr/share/man /usr/share/man/man1 /usr/share/bash-completion /usr/share/bash-completion/completions
  /usr/share/doc /usr/include /usr/${CMAKE_INSTALL_LIBDIR} /usr/${CMAKE_INSTALL_LIBDIR}/cmake
  /usr/${CMAKE_INSTALL_LIBDIR}/pkgconfig /usr/lib/.build-id)

include(CPack)
