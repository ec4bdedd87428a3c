{
  "targets": [
    {
      "target_name": "leanconv_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/allocator.cc",
        "native/src/handle.cc",
        "native/src/creation.cc",
        "native/src/shape_ops.cc",
        "native/src/math_ops.cc",
        "native/src/nn_ops.cc",
        "native/src/autograd.cc",
        "native/src/optim_ops.cc",
        "native/src/kernels/batch_norm_channels_last.cc",
        "native/src/kernels/dilated_depthwise_conv.cc",
        "native/src/kernels/grouped_conv_channels_last.cc",
        "native/src/kernels/pointwise_conv_channels_last.cc",
        "native/src/kernels/attention_pool.cc",
        "native/src/kernels/winograd_conv_channels_last.cc",
        "native/src/distributed.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/libtorch.cjs includes)"
      ],
      "defines": ["NAPI_EXPERIMENTAL", "NAPI_CPP_EXCEPTIONS", "<!@(node scripts/libtorch.cjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "ldflags": ["-fopenmp"],
      "libraries": ["<!@(node scripts/libtorch.cjs libraries)"]
    },
    {
      "target_name": "leanconv_image",
      "sources": ["native/image/addon.cc", "native/image/jpeg_region.cc", "native/image/resample.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wno-unused-parameter", "-Wno-clobbered"],
      "libraries": ["-ljpeg"]
    }
  ]
}
