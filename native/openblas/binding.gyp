{
  "targets": [
    {
      "target_name": "comparo_openblas",
      "sources": ["sgemm.c", "elementwise.c"],
      "cflags": ["-O3"],
      "libraries": ["-lopenblas", "-lpthread"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include/openblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
