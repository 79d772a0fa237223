# Finds every dependency from Debian 12 packages; a missing one names the package to install.
find_package(PkgConfig)

macro(loupe_missing what package)
  message(FATAL_ERROR "${what} not found: install the Debian package '${package}' "
                      "(or run: sudo bash scripts/install-deps.sh)")
endmacro()

if(NOT PkgConfig_FOUND)
  loupe_missing("pkg-config" "pkg-config")
endif()

find_package(xapian CONFIG QUIET)
if(NOT xapian_FOUND)
  loupe_missing("Xapian" "libxapian-dev")
endif()
add_library(loupe_xapian INTERFACE)
target_include_directories(loupe_xapian INTERFACE ${XAPIAN_INCLUDE_DIR})
target_link_libraries(loupe_xapian INTERFACE ${XAPIAN_LIBRARIES})

find_package(ICU 72 COMPONENTS uc i18n QUIET)
if(NOT ICU_FOUND)
  loupe_missing("ICU" "libicu-dev")
endif()

find_package(nlohmann_json 3 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  loupe_missing("nlohmann/json" "nlohmann-json3-dev")
endif()

find_package(CLI11 CONFIG QUIET)
if(NOT CLI11_FOUND)
  loupe_missing("CLI11" "libcli11-dev")
endif()

find_package(doctest CONFIG QUIET)
if(NOT doctest_FOUND)
  loupe_missing("doctest" "doctest-dev")
endif()

find_package(md4c CONFIG QUIET)
if(NOT md4c_FOUND)
  loupe_missing("md4c" "libmd4c-dev")
endif()

pkg_check_modules(LIBXML2 QUIET IMPORTED_TARGET libxml-2.0)
if(NOT LIBXML2_FOUND)
  loupe_missing("libxml2" "libxml2-dev")
endif()

pkg_check_modules(XXHASH QUIET IMPORTED_TARGET libxxhash)
if(NOT XXHASH_FOUND)
  loupe_missing("xxHash" "libxxhash-dev")
endif()

# Readers of binary formats (indexer/formats.h): PDF, and the zip containers of Office,
# OpenDocument and EPUB files.
pkg_check_modules(POPPLER_CPP QUIET IMPORTED_TARGET poppler-cpp)
if(NOT POPPLER_CPP_FOUND)
  loupe_missing("poppler-cpp" "libpoppler-cpp-dev")
endif()
pkg_check_modules(LIBZIP QUIET IMPORTED_TARGET libzip)
if(NOT LIBZIP_FOUND)
  loupe_missing("libzip" "libzip-dev")
endif()
pkg_check_modules(GMIME QUIET IMPORTED_TARGET gmime-3.0)
if(NOT GMIME_FOUND)
  loupe_missing("GMime" "libgmime-3.0-dev")
endif()

# CLD2 (language detection) ships no pkg-config file.
find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h)
find_library(CLD2_LIBRARY cld2)
if(NOT CLD2_INCLUDE_DIR OR NOT CLD2_LIBRARY)
  loupe_missing("CLD2" "libcld2-dev")
endif()
add_library(loupe_cld2 INTERFACE)
target_include_directories(loupe_cld2 INTERFACE ${CLD2_INCLUDE_DIR})
target_link_libraries(loupe_cld2 INTERFACE ${CLD2_LIBRARY})

# Debian's cpp-httplib is a compiled library: its pkg-config flags keep our view of the
# header in step with how the library was built.
pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
if(NOT HTTPLIB_FOUND)
  loupe_missing("cpp-httplib" "libcpp-httplib-dev")
endif()

# The programs allocate many small strings and vectors from several threads: jemalloc indexes
# about a fifth faster than glibc's malloc and serves searches a little faster. Sanitizer builds
# keep the sanitizers' own allocator.
add_library(loupe_allocator INTERFACE)
if(NOT LOUPE_SANITIZE)
  pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)
  if(NOT JEMALLOC_FOUND)
    loupe_missing("jemalloc" "libjemalloc-dev")
  endif()
  target_link_libraries(loupe_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

find_package(Threads REQUIRED)
