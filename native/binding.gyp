{
  # glimpse's native kernels. The instruction-set specific micro-kernels are separate static
  # libraries so only they are compiled with -mavx2/-mavx512f; everything else stays baseline and
  # the addon picks a family at load time from CPUID (see src/cpu.cc).
  "variables": {
    "glimpse_cflags": ["-O3", "-fno-math-errno", "-fvisibility=hidden", "-Wall", "-Wno-unused-function"],
  },
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14"],
    "cflags_cc": ["-std=c++20", "<@(glimpse_cflags)"],
    "cflags!": ["-O2"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
      "OTHER_CPLUSPLUSFLAGS": ["-std=c++20", "<@(glimpse_cflags)"],
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
    },
    "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/std:c++20", "/O2"]}},
  },
  "targets": [
    {
      "target_name": "glimpse_native",
      "sources": [
        "src/addon.cc",
        "src/bind_elementwise.cc",
        "src/bind_fused.cc",
        "src/cpu.cc",
        "src/pool.cc",
        "src/gemm.cc",
        "src/gemm_generic.cc",
        "src/elementwise.cc",
        "src/reduce.cc",
        "src/softmax.cc",
        "src/indexing.cc",
        "src/norm.cc",
        "src/vec.cc",
        "src/rnn.cc",
        "src/gru.cc",
        "src/attention.cc",
      ],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["glimpse_avx2", "glimpse_avx512"]}],
        ["target_arch=='arm64'", {"sources": ["src/arm/gemm_neon.cc"]}],
      ],
    },
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "glimpse_avx2",
          "type": "static_library",
          "sources": ["src/x86/gemm_avx2.cc", "src/x86/vec_avx2.cc"],
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]},
          "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX2"]}},
        },
        {
          "target_name": "glimpse_avx512",
          "type": "static_library",
          "sources": ["src/x86/gemm_avx512.cc"],
          "cflags_cc": ["-mavx512f", "-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx2", "-mfma"]},
          "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX512"]}},
        },
      ],
    }],
  ],
}
