import numpy as np
import numpy.typing as npt

Text = str | bytes

__version__: str

class Normalizer:
    def __init__(self, flags: dict[str, bool]) -> None: ...
    def normalize(self, text: Text) -> str: ...

class Tokenizer:
    def __init__(
        self,
        normalize: bool,
        normalizer: dict[str, bool],
        stopwords: list[str],
        stemmer: str | None,
        min_length: int,
        ngram_min: int,
        ngram_max: int,
        analyzer: str,
    ) -> None: ...
    def tokenize(self, text: Text) -> list[str]: ...
    def tokenize_with_spans(self, text: Text) -> list[tuple[str, int, int]]: ...
    def tokenize_many(
        self, docs: list[Text], n_threads: int, first_index: int = 0
    ) -> list[list[str]]: ...
    def count_tokens(
        self, docs: list[Text], n_threads: int, first_index: int = 0
    ) -> npt.NDArray[np.int64]: ...

def light10_stem(word: Text) -> str: ...
def khabar_stem(word: Text) -> str: ...
def arabic_stopwords() -> list[str]: ...
