#include "jpeg_region.h"

#include <csetjmp>
#include <cstdio>
#include <algorithm>
#include <cmath>

#include <jpeglib.h>
#include <jerror.h>

namespace leanconv_image {
namespace {

// libjpeg reports fatal errors through error_exit, which would end the process: jump back instead.
struct ErrorManager {
  jpeg_error_mgr base;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void onError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

// A file that ends early decodes as grey rows with only a warning: a truncated image is an error here.
void onMessage(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) onError(cinfo);
}

struct Decompressor {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  Decompressor() {
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = onError;
    err.base.emit_message = onMessage;
    err.message[0] = 0;
  }
  // Reads the header of `data`. Called after the caller's setjmp: libjpeg's errors jump back to that frame.
  void readHeader(const uint8_t* data, size_t size) {
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&cinfo, TRUE);
  }
};

thread_local std::vector<uint8_t> region;

// The EOI marker near the end: a region decode stops before the end, so truncation is checked here.
bool endsWithEoi(const uint8_t* data, size_t size) {
  const size_t from = size > 4096 ? size - 4096 : 0;
  for (size_t i = size - 1; i > from; --i) {
    if (data[i - 1] == 0xFF && data[i] == 0xD9) return true;
  }
  return false;
}

}  // namespace

bool isJpeg(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

JpegInfo readJpegInfo(const uint8_t* data, size_t size) {
  Decompressor d;
  if (setjmp(d.err.jump)) {
    jpeg_destroy_decompress(&d.cinfo);
    throw JpegError{d.err.message};
  }
  d.readHeader(data, size);
  JpegInfo info;
  info.width = static_cast<int>(d.cinfo.image_width);
  info.height = static_cast<int>(d.cinfo.image_height);
  info.components = d.cinfo.num_components;
  info.rgbOutput = d.cinfo.jpeg_color_space != JCS_CMYK && d.cinfo.jpeg_color_space != JCS_YCCK;
  jpeg_destroy_decompress(&d.cinfo);
  return info;
}

void decodeJpegRegion(const uint8_t* data, size_t size, const Box& box, bool clampToBox, const OutputSpec& out) {
  Decompressor d;
  // Everything setjmp's frame must see after a longjmp lives outside it or is volatile.
  if (setjmp(d.err.jump)) {
    jpeg_destroy_decompress(&d.cinfo);
    throw JpegError{d.err.message};
  }
  d.readHeader(data, size);
  const double full_w = d.cinfo.image_width, full_h = d.cinfo.image_height;
  // Smallest scale M/8 (M = 1, 2, 4, 8) at which the box still has the output's resolution.
  int m = 8;
  while (m > 1 && box.width * (m / 2) / 8.0 >= out.width && box.height * (m / 2) / 8.0 >= out.height) m /= 2;
  d.cinfo.scale_num = m;
  d.cinfo.scale_denom = 8;
  d.cinfo.out_color_space = JCS_RGB;
  d.cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&d.cinfo);
  const int sw = static_cast<int>(d.cinfo.output_width), sh = static_cast<int>(d.cinfo.output_height);
  const double sx = sw / full_w, sy = sh / full_h;
  const Box scaled{box.top * sy, box.left * sx, box.height * sy, box.width * sx};
  const Bounds bounds = boundsFor(scaled, clampToBox, sh, sw);
  const Footprint need = prepareResample(scaled, bounds, out.height, out.width);
  // Decode only the needed columns (widened by libjpeg to whole iMCUs) and rows.
  JDIMENSION x_offset = static_cast<JDIMENSION>(need.col_first);
  JDIMENSION x_width = static_cast<JDIMENSION>(need.col_last - need.col_first);
  if (x_width < static_cast<JDIMENSION>(sw)) jpeg_crop_scanline(&d.cinfo, &x_offset, &x_width);
  else { x_offset = 0; x_width = static_cast<JDIMENSION>(sw); }
  const int stride = static_cast<int>(x_width) * 3;
  const int rows = need.row_last - need.row_first;
  region.resize(static_cast<size_t>(rows) * stride);
  if (need.row_first > 0) jpeg_skip_scanlines(&d.cinfo, static_cast<JDIMENSION>(need.row_first));
  for (int r = 0; r < rows;) {
    JSAMPROW row = &region[static_cast<size_t>(r) * stride];
    r += static_cast<int>(jpeg_read_scanlines(&d.cinfo, &row, 1));
  }
  const bool read_all = need.row_last >= sh;
  if (read_all) jpeg_finish_decompress(&d.cinfo);
  else jpeg_abort_decompress(&d.cinfo);
  jpeg_destroy_decompress(&d.cinfo);
  if (!read_all && !endsWithEoi(data, size)) throw JpegError{"the file ends before the end-of-image marker (truncated)"};
  resampleRgb(region.data(), need.row_first, rows, static_cast<int>(x_offset), static_cast<int>(x_width), stride, out);
}

}  // namespace leanconv_image
