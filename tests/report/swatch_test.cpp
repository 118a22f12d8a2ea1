// Tests of the swatch chart (report/swatch.hpp): the PNG has the chart's size and every swatch
// shows its predicted colour at its centre; the HTML names every ink and colour.
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>

#include "colour/srgb.hpp"
#include "files/palette_file.hpp"
#include "photo/cv_geometry.hpp"
#include "pigment/model.hpp"
#include "report/swatch.hpp"
#include "session/swatch_image.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

pigment::Palette fixture() {
  return files::load_palette(test::test_data_dir() + "/palettes/clean.yaml");
}

// The pixel must be the sRGB encoding of the Lab exactly: the chart fills flat areas with that
// colour, and PNG is lossless (the dot is anti-aliased only at its rim, far from the centre).
void check_pixel(const cv::Mat& img, cv::Point at, const colour::Lab& lab) {
  const colour::Srgb8 want = colour::lab_d50_to_srgb8(lab);
  const cv::Vec3b got = img.at<cv::Vec3b>(at);
  CHECK(static_cast<int>(got[2]) == want.r);
  CHECK(static_cast<int>(got[1]) == want.g);
  CHECK(static_cast<int>(got[0]) == want.b);
}

}  // namespace

TEST_CASE("swatch: every cell holds the ink-in-skin model's prediction", "[unit]") {
  const pigment::Palette p = fixture();
  const report::SwatchChart chart = report::swatch_chart(p);
  REQUIRE(chart.skins.size() == 3);
  REQUIRE(chart.rows.size() == p.inks.size());
  REQUIRE(chart.dilutions.size() == p.dilution.size());
  const pigment::InkInSkinModel model(p, chart.skins[1].lab);
  const colour::Lab expected = model.healed_dot_lab(model.ink_ks()[2], p.dilution[3].pigment_fraction());
  CHECK(chart.rows[2].healed[1][3] == expected);
  CHECK(chart.rows[0].masstone == p.inks[0].masstone_lab);
}

TEST_CASE("swatch: the PNG chart has its size and each swatch's centre has the predicted colour", "[unit]") {
  const pigment::Palette p = fixture();
  const report::SwatchChart chart = report::swatch_chart(p, {{"skin A", {70, 10, 18}}, {"skin B", {45, 12, 22}}});
  const std::string out = test::make_temp_dir("swatch") + "/chart.png";
  session::write_swatch_chart(out, chart);
  const cv::Mat img = cv::imread(out, cv::IMREAD_COLOR);
  const report::SwatchGeometry g;
  REQUIRE(img.cols == g.width(chart));
  REQUIRE(img.rows == g.height(chart));
  for (int r = 0; r < static_cast<int>(chart.rows.size()); ++r) {
    const cv::Rect m = photo::to_cv(g.masstone_cell(r));
    check_pixel(img, {m.x + m.width / 2, m.y + m.height / 2}, chart.rows[static_cast<std::size_t>(r)].masstone);
    for (int s = 0; s < 2; ++s) {
      for (int k = 0; k < static_cast<int>(chart.dilutions.size()); ++k) {
        const cv::Rect c = photo::to_cv(g.healed_cell(chart, r, s, k));
        check_pixel(
            img, {c.x + c.width / 2, c.y + c.height / 2},
            chart.rows[static_cast<std::size_t>(r)].healed[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)]);
        // The cell's corner shows the skin around the dot.
        check_pixel(img, {c.x + 1, c.y + 1}, chart.skins[static_cast<std::size_t>(s)].lab);
      }
    }
  }
}

TEST_CASE("swatch: the HTML chart is self-contained and lists every ink and dot colour", "[unit]") {
  const report::SwatchChart chart = report::swatch_chart(fixture());
  const std::string html = report::swatch_html(chart);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http") == std::string::npos);
  for (const report::SwatchRow& row : chart.rows) {
    CHECK(html.find("data-ink=\"" + row.id + "\"") != std::string::npos);
    CHECK(html.find(colour::lab_d50_to_srgb8(row.healed[0][0]).hex()) != std::string::npos);
  }
  CHECK_THROWS(session::write_swatch_chart(test::make_temp_dir("swatch") + "/chart.jpg", chart));
}
