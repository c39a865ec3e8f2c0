// Errors are values: a function that can fail returns Expected<T>, which holds either
// the value or an Error whose message is exact and tested.
//
//   Expected<Pack> pack = load_pack(path);
//   if (!pack) return pack.error();          // propagate
//   use(*pack);
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace postguard {

struct Error {
  std::string message;
};

template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  explicit operator bool() const { return v_.index() == 0; }
  bool ok() const { return v_.index() == 0; }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace postguard
