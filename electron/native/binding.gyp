{
  "targets": [
    {
      "target_name": "stevedore_gzip",
      "sources": ["gzip.c"],
      "cflags": ["-O2", "-std=c11"],
      "include_dirs": ["<!(node ../../build/libdeflate-flags.mjs include)"],
      "libraries": ["<!(node ../../build/libdeflate-flags.mjs libraries)"],
      "xcode_settings": { "MACOSX_DEPLOYMENT_TARGET": "11.0", "OTHER_CFLAGS": ["-O2", "-std=c11"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
