// The `postguard` command line; everything but process set-up lives in cli.cc.
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  return postguard::run_cli(args, std::cin, std::cout, std::cerr);
}
