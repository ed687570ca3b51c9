// The static build only (VPCPROBE_STATIC, cmake/static.cmake). libpcap.a carries its D-Bus capture
// module, which pulls in libdbus-1.a, whose socket-activation helper for D-Bus *servers*
// (_dbus_listen_systemd_sockets) calls two libsystemd functions; Debian ships libsystemd as a
// shared library only (libsystemd-dev has no libsystemd.a). vpcprobe never runs a D-Bus server,
// so the two are defined here to report "not socket-activated" as libsystemd does when it is built
// without support for it: -ENOSYS.
#include <cerrno>

extern "C" {
int sd_listen_fds(int /*unset_environment*/) { return -ENOSYS; }
int sd_is_socket(int /*fd*/, int /*family*/, int /*type*/, int /*listening*/) { return -ENOSYS; }
}
