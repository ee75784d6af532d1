#include <gtest/gtest.h>
#include <khabar/tokenizer.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "state_pool.hpp"

namespace {

struct Counted {
  static inline int alive = 0;
  Counted() { ++alive; }
  ~Counted() { --alive; }
  std::vector<int> built_up;
};

TEST(StatePool, GivesBackWhatItWasGivenAndKeepsAtMostMaxIdle) {
  khabar::detail::StatePool<Counted> pool(2);
  std::unique_ptr<Counted> first = pool.take();
  EXPECT_EQ(Counted::alive, 1);
  first->built_up = {1, 2, 3};
  Counted* const address = first.get();
  pool.give_back(std::move(first));
  EXPECT_EQ(pool.idle(), 1u);
  std::unique_ptr<Counted> again = pool.take();  // the same state, with what it built up
  EXPECT_EQ(again.get(), address);
  EXPECT_EQ(again->built_up, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(pool.idle(), 0u);
  std::unique_ptr<Counted> second = pool.take(), third = pool.take();  // new ones
  EXPECT_EQ(Counted::alive, 3);
  pool.give_back(std::move(again));
  pool.give_back(std::move(second));
  pool.give_back(std::move(third));  // a third idle one is one too many: destroyed
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(Counted::alive, 2);
}

TEST(StatePool, ATokenizerThreadHandsItsWorkspaceToTheNextThread) {
  // A thread that tokenizes takes an idle workspace (or makes one) and gives it back when it
  // exits: after the first thread one is idle, and a second thread takes that one instead of
  // making another (with two or more cores the pool has room for a second, so a new one would
  // show).
  const khabar::Tokenizer tokenizer(khabar::TokenizerOptions{});
  const std::string text = "التقى الرئيس الروسي فلاديمير بوتين نظيره السوري في سوتشي";
  std::vector<std::string> tokens;
  std::thread([&] { tokens = tokenizer.tokenize(text); }).join();
  const std::size_t idle = khabar::detail::idle_tokenizer_workspaces();
  EXPECT_GE(idle, 1u);
  std::vector<std::string> again;
  std::thread([&] { again = tokenizer.tokenize(text); }).join();
  EXPECT_EQ(khabar::detail::idle_tokenizer_workspaces(), idle);
  EXPECT_EQ(again, tokens);
  EXPECT_EQ(tokens.size(), 9u);
}

}  // namespace
