"""khabar: analysis of Arabic news text.

Arabic-aware normalization and tokenization (ICU word breaks, stemming that spares names,
Light10, stopwords) in a
C++17 core, exposed with scikit-learn-shaped Python APIs.

>>> import khabar
>>> khabar.Tokenizer().tokenize("الرَّئِيسُ بوتين، سوريا؟")
['الرئيس', 'بوتين', 'سوريا']
"""

from khabar._core import __version__
from khabar.corpus import Corpus
from khabar.distinctive import distinctive_terms
from khabar.near_duplicates import NearDuplicates
from khabar.passages import Passage, shared_passages
from khabar.search import BM25
from khabar.similarity import cosine_similarity, top_k_similar
from khabar.stories import Stories, Story, agency_credits, assign_stories
from khabar.tokenizer import (
    NORMALIZER_FLAGS,
    Tokenizer,
    arabic_stopwords,
    khabar_stem,
    light10_stem,
    normalize,
)
from khabar.vectorizers import (
    CountVectorizer,
    DocumentFrequencies,
    HashingVectorizer,
    TfidfVectorizer,
)

__all__ = [
    "BM25",
    "NORMALIZER_FLAGS",
    "Corpus",
    "CountVectorizer",
    "DocumentFrequencies",
    "HashingVectorizer",
    "NearDuplicates",
    "Passage",
    "Stories",
    "Story",
    "TfidfVectorizer",
    "Tokenizer",
    "__version__",
    "agency_credits",
    "arabic_stopwords",
    "assign_stories",
    "cosine_similarity",
    "distinctive_terms",
    "khabar_stem",
    "light10_stem",
    "normalize",
    "shared_passages",
    "top_k_similar",
]
