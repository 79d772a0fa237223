// The doctest entry point shared by every test executable.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>

// Xapian's errors do not derive from std::exception: without this, one that escapes a test is
// reported as "unknown exception", with nothing to go on.
REGISTER_EXCEPTION_TRANSLATOR(const Xapian::Error& error) {
  return doctest::String(error.get_description().c_str());
}
