#include "support/dot_field.hpp"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace shadematch::test {

void add_dot_field(Scene& scene, const DotField& field) {
  const int width = scene.bgr.cols, height = scene.bgr.rows;
  cv::Mat mask(scene.bgr.size(), CV_8U, cv::Scalar(255));
  cv::Point2f centre(0, 0);
  for (const auto& p : scene.card_corners) centre += p * 0.25f;
  std::vector<cv::Point> quad;
  for (const auto& p : scene.card_corners) quad.emplace_back(centre + (p - centre) * 1.25f);
  if (scene.spec.card) cv::fillConvexPoly(mask, quad, cv::Scalar(0));
  cv::Mat cover(scene.bgr.size(), CV_32F, cv::Scalar(0));
  cv::RNG rng(field.seed * 7919 + 1);
  const auto count = static_cast<long>(field.cover * width * height / (3.14159 * field.radius * field.radius));
  for (long i = 0; i < count; ++i) {
    const cv::Point p(rng.uniform(0, width), rng.uniform(0, height));
    if (mask.at<unsigned char>(p) == 0) continue;
    cv::circle(cover, p, std::max(1, static_cast<int>(field.radius * rng.uniform(0.7, 1.3))), cv::Scalar(1.0), -1,
               cv::LINE_AA);
  }
  cv::GaussianBlur(cover, cover, cv::Size(0, 0), 0.3 * field.radius);
  cv::min(cover, 1.0, cover);
  cv::Mat image;
  scene.bgr.convertTo(image, CV_32FC3);
  std::vector<cv::Mat> channels;
  cv::split(image, channels);
  const double dot[3] = {field.level * 0.8, field.level, field.level * 0.9 * 1.25};  // B, G, R: a dark brown
  for (std::size_t k = 0; k < 3; ++k) channels[k] = channels[k].mul(1.0 - cover) + cover * dot[k];
  cv::merge(channels, image);
  image.convertTo(scene.bgr, CV_8UC3);
}

}  // namespace shadematch::test
