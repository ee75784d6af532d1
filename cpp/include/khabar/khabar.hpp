#pragma once

// Umbrella header: the whole public C++ API of khabar.
#include "khabar/errors.hpp"
#include "khabar/normalizer.hpp"
#include "khabar/stemmer.hpp"
#include "khabar/stopwords.hpp"
#include "khabar/tokenizer.hpp"
#include "khabar/version.hpp"
