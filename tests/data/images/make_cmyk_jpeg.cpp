// Writes cmyk_adobe.jpg: a 32×8 CMYK JPEG (four 8×8 swatches) the way Photoshop writes CMYK —
// with an Adobe APP14 marker and inverted samples (255 = no ink). OpenCV cannot write CMYK
// JPEGs, hence this one-off generator (not part of the build):
//   g++ -O2 make_cmyk_jpeg.cpp -ljpeg -o /tmp/make_cmyk_jpeg && /tmp/make_cmyk_jpeg cmyk_adobe.jpg
// Swatches (ink fractions C, M, Y, K): no ink; cyan 100 %; black 50 % (ink 128); magenta+yellow 100 %.
#include <jpeglib.h>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  FILE* f = std::fopen(argv[1], "wb");
  if (!f) return 1;
  jpeg_compress_struct c;
  jpeg_error_mgr e;
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, f);
  c.image_width = 32;
  c.image_height = 8;
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_colorspace(&c, JCS_CMYK);  // writes the Adobe marker (transform 0: no YCCK)
  jpeg_set_quality(&c, 100, TRUE);
  jpeg_start_compress(&c, TRUE);
  const unsigned char ink[4][4] = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 0, 0, 128}, {0, 255, 255, 0}};
  unsigned char row[32 * 4];
  for (int x = 0; x < 32; ++x) {
    for (int k = 0; k < 4; ++k) row[4 * x + k] = static_cast<unsigned char>(255 - ink[x / 8][k]);
  }
  for (int y = 0; y < 8; ++y) {
    JSAMPROW r = row;
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::fclose(f);
  return 0;
}
