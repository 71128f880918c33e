# Built by scripts/build-native.mjs (node-gyp); loaded by main/kernels/openblas-kernels.ts. gyp
# reads this file as a Python literal, so it may carry comments. One BLAS per OS: OpenBLAS on
# Linux and Windows, Apple's Accelerate (part of macOS, nothing to install) on macOS.
{
  "targets": [
    {
      "target_name": "comparo_openblas",
      "sources": ["sgemm.c", "elementwise.c"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        # Linux (and any other Unix): OpenBLAS from the distribution (Debian: libopenblas-dev),
        # linked statically where its archive exists (openblas-link.cjs says why), so the
        # prebuilt binary needs no OpenBLAS on the user's machine.
        ["OS!='mac' and OS!='win'", {
          "cflags": ["-O3", "-fvisibility=hidden"],
          "libraries": ["<!@(node openblas-link.cjs)"],
          "include_dirs": ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include/openblas"]
        }],
        # macOS: Accelerate's cblas_sgemm. It has no openblas_*_num_threads, so sgemm.c keeps
        # the thread count itself under COMPARO_ACCELERATE. gyp ignores "cflags" for Xcode
        # targets: the optimisation level goes through xcode_settings.
        ["OS=='mac'", {
          "defines": ["COMPARO_ACCELERATE=1"],
          "link_settings": {"libraries": ["-framework Accelerate"]},
          "xcode_settings": {"GCC_OPTIMIZATION_LEVEL": "3"}
        }],
        # Windows: no system OpenBLAS, so OPENBLAS_DIR names an unpacked OpenBLAS release (the
        # OpenBLAS-<version>-x64.zip of github.com/OpenMathLib/OpenBLAS/releases: include/,
        # lib/libopenblas.lib, bin/libopenblas.dll). gyp has no syntax for environment
        # variables, hence the node command expansion. The DLL is copied next to the addon,
        # where Windows looks for a loaded DLL's dependencies first, so the addon loads
        # without OpenBLAS on PATH. An empty OPENBLAS_DIR fails the build (cblas.h not found),
        # which scripts/build-native.mjs reports as "not built": training then uses plain wasm.
        ["OS=='win'", {
          "variables": {
            "openblas_dir": "<!(node -p \"process.env.OPENBLAS_DIR||''\")"
          },
          "include_dirs": ["<(openblas_dir)/include", "<(openblas_dir)/include/openblas"],
          "libraries": ["<(openblas_dir)/lib/libopenblas.lib"],
          "msvs_settings": {"VCCLCompilerTool": {"Optimization": 3}},
          "copies": [{"destination": "<(PRODUCT_DIR)", "files": ["<(openblas_dir)/bin/libopenblas.dll"]}]
        }]
      ]
    }
  ]
}
