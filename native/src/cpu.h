// Which instruction sets this CPU (and OS) can run; chosen once at load time.
#pragma once

namespace glimpse {

enum class Isa { generic, avx2, avx512, neon };

/** The best kernel family this machine runs (GLIMPSE_NATIVE_ISA may lower it, for tests). */
Isa detectIsa();
const char* isaName(Isa isa);

}  // namespace glimpse
