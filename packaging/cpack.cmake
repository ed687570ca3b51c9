# Debian package of the CLI and library (split packages, postinst setcap: see issue on packaging).
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "vpcprobe")
set(CPACK_PACKAGE_CONTACT "vpcprobe maintainers <vpcprobe@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
