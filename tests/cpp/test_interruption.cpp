#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/interruption.hpp>
#include <khabar/near_duplicates.hpp>
#include <khabar/tokenizer.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

std::vector<khabar::TextView> many_documents(const std::string& text, std::size_t n) {
  return std::vector<khabar::TextView>(n, khabar::TextView(text));
}

TEST(Interruption, StopsEveryWorkerSoonAfterTheRequest) {
  const std::string text = "استقبل الرئيس الروسي نظيره السوري في سوتشي لبحث التسوية. ";
  const auto docs = many_documents(text, 2'000'000);  // seconds of work uninterrupted
  for (std::size_t threads : {1u, 2u}) {
    const auto start = std::chrono::steady_clock::now();
    khabar::InterruptionCheck check(
        [&] { return std::chrono::steady_clock::now() - start > 200ms; }, 10ms);
    EXPECT_THROW(khabar::Tokenizer().count_tokens(docs, threads), khabar::Interrupted);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  }
}

TEST(Interruption, OnlyTheInstallingThreadAsksAndTheCheckEndsWithItsScope) {
  std::atomic<int> asked{0};
  std::thread::id asker;
  const std::string text = "سوريا روسيا";
  const auto docs = many_documents(text, 200'000);
  {
    khabar::InterruptionCheck check(
        [&] {
          asker = std::this_thread::get_id();
          ++asked;
          return false;
        },
        0ms);
    EXPECT_EQ(khabar::Tokenizer().count_tokens(docs, 2).size(), docs.size());
  }
  EXPECT_GT(asked.load(), 0);
  EXPECT_EQ(asker, std::this_thread::get_id());
  const int before = asked.load();
  khabar::Tokenizer().count_tokens(docs, 2);
  EXPECT_EQ(asked.load(), before);  // no check installed any more
}

TEST(Interruption, AnInterruptedAddLeavesNearDuplicatesAsBefore) {
  khabar::NearDuplicates index;
  index.add({"سوريا روسيا تركيا ايران العراق لبنان"});
  const std::string text = "استقبل الرئيس الروسي نظيره السوري في سوتشي لبحث التسوية. ";
  {
    khabar::InterruptionCheck check([] { return true; }, 0ms);
    EXPECT_THROW(index.add(many_documents(text, 100'000)), khabar::Interrupted);
  }
  EXPECT_EQ(index.size(), 1u);
  index.add({"سوريا روسيا تركيا ايران العراق لبنان"});
  ASSERT_EQ(index.pairs().size(), 1u);
  EXPECT_EQ(index.pairs()[0].second, 1u);
}

}  // namespace
