#pragma once

// Umbrella header: the whole public C++ API of khabar.
#include "khabar/bm25.hpp"
#include "khabar/document_frequencies.hpp"
#include "khabar/errors.hpp"
#include "khabar/hashing.hpp"
#include "khabar/model_file.hpp"
#include "khabar/near_duplicates.hpp"
#include "khabar/normalizer.hpp"
#include "khabar/passages.hpp"
#include "khabar/similarity.hpp"
#include "khabar/sparse.hpp"
#include "khabar/stemmer.hpp"
#include "khabar/stopwords.hpp"
#include "khabar/term_index.hpp"
#include "khabar/tfidf.hpp"
#include "khabar/tokenizer.hpp"
#include "khabar/version.hpp"
