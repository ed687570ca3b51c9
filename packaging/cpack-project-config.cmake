# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "DEB")
  # Each component's description starts with its own synopsis line (CPACK_COMPONENT_*_DESCRIPTION);
  # CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY in front of it unless that is the default.
  set(CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
