// pybind11 module khabar._core: converts Python objects to the C++ API's types and back,
// releases the GIL around C++ work and maps C++ exceptions to Python ones. No text logic here.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <khabar/khabar.hpp>

#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace py = pybind11;

namespace {

std::string document_prefix(std::optional<std::size_t> index) {
  return index ? "document " + std::to_string(*index) + ": " : std::string();
}

// A view of a Python str (its cached UTF-8 form) or bytes object, valid while `object` lives.
std::string_view text_view(py::handle object, std::optional<std::size_t> index = std::nullopt) {
  if (PyUnicode_Check(object.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
    if (!data) {
      py::error_already_set error;  // UnicodeEncodeError: a lone surrogate has no UTF-8 form
      const auto start = error.value().attr("start").cast<std::size_t>();
      throw py::value_error(document_prefix(index) + "lone surrogate at char offset " +
                            std::to_string(start));
    }
    return {data, static_cast<std::size_t>(size)};
  }
  if (PyBytes_Check(object.ptr())) {
    return {PyBytes_AS_STRING(object.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(object.ptr()))};
  }
  throw py::type_error(document_prefix(index) + "expected str or bytes, got " +
                       std::string(Py_TYPE(object.ptr())->tp_name));
}

khabar::NormalizerOptions normalizer_options(const py::dict& flags) {
  khabar::NormalizerOptions o;
  const std::pair<const char*, bool*> fields[] = {
      {"nfkc", &o.nfkc},       {"diacritics", &o.diacritics}, {"tatweel", &o.tatweel},
      {"alef", &o.alef},       {"alef_maksura", &o.alef_maksura},
      {"teh_marbuta", &o.teh_marbuta}, {"persian_letters", &o.persian_letters},
      {"hamza", &o.hamza},     {"digits", &o.digits},         {"lowercase", &o.lowercase}};
  for (auto [name, field] : fields)
    if (flags.contains(name)) *field = flags[name].cast<bool>();
  return o;
}

khabar::Analyzer analyzer_from_name(const std::string& name) {
  if (name == "word") return khabar::Analyzer::word;
  if (name == "char") return khabar::Analyzer::character;
  if (name == "char_wb") return khabar::Analyzer::character_wb;
  throw py::value_error("analyzer must be 'word', 'char' or 'char_wb', got '" + name + "'");
}

khabar::Stemmer stemmer_from_name(const std::optional<std::string>& name) {
  if (!name) return khabar::Stemmer::none;
  if (*name == "light10") return khabar::Stemmer::light10;
  throw py::value_error("stemmer must be None or 'light10', got '" + *name + "'");
}

// Python lists of str for each TokenList. Equal tokens share one str object: news text repeats
// its vocabulary, so this saves most of the decoding and the memory of the result.
py::list to_python_lists(const std::vector<khabar::TokenList>& documents) {
  std::unordered_map<std::string_view, py::object> strings;
  py::list out(documents.size());
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const khabar::TokenList& tokens = documents[d];
    py::list list(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      auto [entry, inserted] = strings.try_emplace(tokens[i]);
      if (inserted) entry->second = py::str(tokens[i].data(), tokens[i].size());
      PyList_SET_ITEM(list.ptr(), static_cast<Py_ssize_t>(i), entry->second.inc_ref().ptr());
    }
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(d), list.release().ptr());
  }
  return out;
}

py::list tokens_with_spans(const std::vector<khabar::Token>& tokens, bool char_offsets) {
  py::list out(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& span = tokens[i].span;
    out[i] = py::make_tuple(tokens[i].text, char_offsets ? span.begin_char : span.begin_byte,
                            char_offsets ? span.end_char : span.end_byte);
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "khabar's C++ core (private: use the khabar package)";
  m.attr("__version__") = khabar::kVersion;

  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const khabar::InvalidTextError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::InvalidOptionError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    }
  });

  py::class_<khabar::Normalizer>(m, "Normalizer")
      .def(py::init([](const py::dict& flags) { return khabar::Normalizer(normalizer_options(flags)); }),
           py::arg("flags"))
      .def("normalize", [](const khabar::Normalizer& self, py::handle text) {
        const std::string_view view = text_view(text);
        std::string out;
        {
          py::gil_scoped_release release;
          out = self.normalize(view);
        }
        return out;
      });

  py::class_<khabar::Tokenizer>(m, "Tokenizer")
      .def(py::init([](bool normalize, const py::dict& normalizer, std::vector<std::string> stopwords,
                       const std::optional<std::string>& stemmer, std::size_t min_length,
                       std::size_t ngram_min, std::size_t ngram_max, const std::string& analyzer) {
             khabar::TokenizerOptions options;
             options.normalize = normalize;
             options.normalizer = normalizer_options(normalizer);
             options.stopwords = std::move(stopwords);
             options.stemmer = stemmer_from_name(stemmer);
             options.min_length = min_length;
             options.ngram_min = ngram_min;
             options.ngram_max = ngram_max;
             options.analyzer = analyzer_from_name(analyzer);
             return khabar::Tokenizer(std::move(options));
           }),
           py::arg("normalize"), py::arg("normalizer"), py::arg("stopwords"), py::arg("stemmer"),
           py::arg("min_length"), py::arg("ngram_min"), py::arg("ngram_max"), py::arg("analyzer"))
      .def("tokenize",
           [](const khabar::Tokenizer& self, py::handle text) {
             const std::string_view view = text_view(text);
             std::vector<khabar::TokenList> tokens(1);
             {
               py::gil_scoped_release release;
               self.analyze(view, tokens[0]);
             }
             return to_python_lists(tokens)[0];
           })
      .def("tokenize_with_spans",
           [](const khabar::Tokenizer& self, py::handle text) {
             const std::string_view view = text_view(text);
             std::vector<khabar::Token> tokens;
             {
               py::gil_scoped_release release;
               tokens = self.tokenize_with_spans(view);
             }
             return tokens_with_spans(tokens, PyUnicode_Check(text.ptr()));
           })
      .def(
          "tokenize_many",
          [](const khabar::Tokenizer& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            // Hold references so no document is freed while the GIL is released.
            std::vector<py::object> keep_alive;
            std::vector<std::string_view> views;
            keep_alive.reserve(docs.size());
            views.reserve(docs.size());
            for (std::size_t i = 0; i < docs.size(); ++i) {
              keep_alive.push_back(docs[i]);
              views.push_back(text_view(keep_alive.back(), first_index + i));
            }
            std::vector<khabar::TokenList> tokens;
            try {
              py::gil_scoped_release release;
              tokens = self.analyze_many(views, n_threads);
            } catch (const khabar::InvalidTextError& error) {
              throw khabar::InvalidTextError(error.in_document(first_index + *error.document()));
            }
            return to_python_lists(tokens);
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0);

  m.def("light10_stem", [](py::handle word) { return khabar::light10_stem(text_view(word)); });
  m.def("arabic_stopwords", &khabar::arabic_stopwords);
}
