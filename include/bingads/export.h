/// \file
/// bingads-budgets: the one macro that marks the public API of the shared library.
#pragma once

/// Marks a class or function of the public API: the shared library (libbingads-budgets.so) is
/// built with every other symbol hidden, so that only what this macro marks is its ABI. The
/// static library ignores visibility; the macro costs its users nothing.
#if defined(__GNUC__) || defined(__clang__)
#define BINGADS_EXPORT __attribute__((visibility("default")))
#else
#define BINGADS_EXPORT
#endif
