# VPCPROBE_STATIC (preset `static`): one self-contained vpcprobe binary, for `kubectl cp` into a
# container that has nothing of ours (distroless, busybox, another distribution's glibc).
#
# What it takes with Debian 12's packages (all of them ship a .a except where said):
#  - glibc: libc.a. Name resolution is the known trap: a static glibc cannot load NSS modules of
#    its own version from the container. glibc 2.34 and later build the `files` and `dns` sources
#    into libc itself, so /etc/hosts and /etc/resolv.conf (DNS) work with no shared library at all;
#    other sources in /etc/nsswitch.conf (myhostname, resolve, mdns, ldap, ...) are skipped.
#    tests/integration/static.sh resolves a name from /etc/hosts and one through DNS inside an
#    empty root directory to prove it.
#  - libpcap is linked in (the shared build loads it with dlopen when --pcap asks for it; a static
#    glibc binary should not dlopen), and lib/src/sys/pcap_api.cpp fills the same function table
#    with the linked-in functions. libpcap.a pulls in libdbus-1.a (its D-Bus capture module),
#    which calls two libsystemd functions; Debian has no libsystemd.a:
#    packaging/static/sd_stubs.cpp defines them.
#  - Debian has no libmnl.a: packaging/static/mnl_compat.cpp implements the libmnl calls
#    libvpcprobe makes (lib/CMakeLists.txt compiles it into the static library).
#  - Debian has no libfmt.a: fmt is used header-only (fmt::fmt-header-only).
#  - libcap.a, libstdc++.a, libgcc.a: as shipped.
# libvpcprobe is built as a static library and not installed; the library packages come from the
# shared build.
get_target_property(_vpcprobe_cli_libs vpcprobe-cli LINK_LIBRARIES)
list(TRANSFORM _vpcprobe_cli_libs REPLACE "^fmt::fmt$" "fmt::fmt-header-only")
set_property(TARGET vpcprobe-cli PROPERTY LINK_LIBRARIES ${_vpcprobe_cli_libs})
target_sources(vpcprobe-cli PRIVATE ${PROJECT_SOURCE_DIR}/packaging/static/sd_stubs.cpp)
target_link_options(vpcprobe-cli PRIVATE -static)
