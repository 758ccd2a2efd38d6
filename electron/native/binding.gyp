{
  "targets": [
    {
      "target_name": "stevedore_gzip",
      "sources": ["gzip.c"],
      "cflags": ["-O2", "-std=c11"],
      "conditions": [
        ["OS == 'linux'", { "libraries": ["-l:libdeflate.a"] }],
        ["OS != 'linux'", { "libraries": ["-ldeflate"] }]
      ]
    }
  ]
}
