{
  "targets": [
    {
      "target_name": "comparo_openblas",
      "sources": ["sgemm.c"],
      "cflags": ["-O2"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include/openblas"],
      "libraries": ["-lopenblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
