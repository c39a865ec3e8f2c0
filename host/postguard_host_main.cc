// postguard-host: the native-messaging host the browser extension talks to.
// Everything lives in the library (host_main.h) so tests can reach it.
#include "host_main.h"

int main(int argc, char** argv) { return postguard::run_host(argc, argv); }
