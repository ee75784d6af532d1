// pybind11 module khabar._core: converts Python objects to the C++ API's types and back,
// releases the GIL around C++ work and maps C++ exceptions to Python ones. No text logic here.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <khabar/khabar.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <variant>
#include <vector>

namespace py = pybind11;

namespace {

std::string document_prefix(std::optional<std::size_t> index) {
  return index ? "document " + std::to_string(*index) + ": " : std::string();
}

// Offset of the first surrogate code point of a Python str. Every surrogate in a str is a lone
// one (pairs exist only in UTF-16 encodings), so none has a UTF-8 or UTF-16 form.
template <class Unit>
std::optional<std::size_t> first_surrogate(const Unit* units, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i)
    if (units[i] >= 0xD800 && units[i] <= 0xDFFF) return i;
  return std::nullopt;
}

std::optional<std::size_t> first_surrogate(PyObject* text) {
  const auto length = static_cast<std::size_t>(PyUnicode_GET_LENGTH(text));
  switch (PyUnicode_KIND(text)) {
    case PyUnicode_2BYTE_KIND:
      return first_surrogate(PyUnicode_2BYTE_DATA(text), length);
    case PyUnicode_4BYTE_KIND:
      return first_surrogate(PyUnicode_4BYTE_DATA(text), length);
    default:
      return std::nullopt;  // Latin-1 strings hold no surrogates
  }
}

// A document ready to be viewed as text: bytes as they are, a str without lone surrogates as it
// is; a str with one raises ValueError, or under errors="replace" becomes a copy with U+FFFD in
// place of each surrogate (same length, so str offsets into the original still hold).
py::object well_formed(py::handle object, std::optional<std::size_t> index,
                       khabar::TextErrors errors) {
  PyObject* text = object.ptr();
  if (PyBytes_Check(text)) return py::reinterpret_borrow<py::object>(object);
  if (!PyUnicode_Check(text))
    throw py::type_error(document_prefix(index) + "expected str or bytes, got " +
                         std::string(Py_TYPE(text)->tp_name));
  const auto surrogate = first_surrogate(text);
  if (!surrogate) return py::reinterpret_borrow<py::object>(object);
  if (errors == khabar::TextErrors::strict)
    throw py::value_error(document_prefix(index) + "lone surrogate at char offset " +
                          std::to_string(*surrogate));
  const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
  std::unique_ptr<Py_UCS4, decltype(&PyMem_Free)> copy(PyUnicode_AsUCS4Copy(text), &PyMem_Free);
  if (!copy) throw py::error_already_set();
  for (Py_ssize_t i = 0; i < length; ++i)
    if (copy.get()[i] >= 0xD800 && copy.get()[i] <= 0xDFFF) copy.get()[i] = 0xFFFD;
  return py::reinterpret_steal<py::object>(
      PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, copy.get(), length));
}

// A view of a well_formed() document: a str's cached UTF-8 form or the bytes; valid while
// `object` lives.
std::string_view text_view(py::handle object) {
  if (PyBytes_Check(object.ptr()))
    return {PyBytes_AS_STRING(object.ptr()),
            static_cast<std::size_t>(PyBytes_GET_SIZE(object.ptr()))};
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
  if (!data) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

// The text of one well_formed() document for a batch call. Python strings of the 2-byte kind
// (all of Arabic text) are UTF-16 already and are handed over as they are: no UTF-8 copy is
// cached in the str, and the C++ side skips decoding. Other strings and bytes go as UTF-8.
khabar::TextView batch_text_view(py::handle object) {
  PyObject* text = object.ptr();
  if (PyUnicode_Check(text) && PyUnicode_KIND(text) == PyUnicode_2BYTE_KIND)
    return std::u16string_view(reinterpret_cast<const char16_t*>(PyUnicode_2BYTE_DATA(text)),
                               static_cast<std::size_t>(PyUnicode_GET_LENGTH(text)));
  return text_view(object);
}

// Releases the GIL for C++ work that Ctrl-C can stop: khabar's parallel loops run Python's
// signal handlers from this thread every 100 ms and stop with khabar::Interrupted when one
// raised (KeyboardInterrupt), which the exception translator hands back to Python.
class InterruptibleRelease {
 public:
  InterruptibleRelease()
      : check_([] {
          py::gil_scoped_acquire gil;
          return PyErr_CheckSignals() != 0;
        }) {}

 private:
  khabar::InterruptionCheck check_;  // declared first: removed after the GIL is taken back
  py::gil_scoped_release release_;
};

// The views of a list of documents, holding references so that no document is freed while the
// GIL is released; run() does C++ work without the GIL and numbers a failing document by its
// index in the whole stream (`first_index` + its index in this chunk).
struct DocumentViews {
  DocumentViews(const py::list& docs, std::size_t first_index, khabar::TextErrors errors)
      : first_index(first_index) {
    keep_alive.reserve(docs.size());
    views.reserve(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
      keep_alive.push_back(well_formed(docs[i], first_index + i, errors));
      views.push_back(batch_text_view(keep_alive.back()));
    }
  }
  // `renumber` is false for calls that already number documents in the whole stream.
  template <class Work>
  void run(Work&& work, bool renumber = true) const {
    try {
      InterruptibleRelease release;
      work();
    } catch (const khabar::InvalidTextError& error) {
      if (!renumber) throw;
      throw error.in_document(first_index + error.document().value_or(0));
    }
  }
  std::size_t first_index;
  std::vector<py::object> keep_alive;
  std::vector<khabar::TextView> views;
};

// The errors policy of the tokenizer behind each C++ object that reads documents.
khabar::TextErrors errors_of(const khabar::Tokenizer& t) { return t.options().errors; }
template <class WithOptions>
khabar::TextErrors errors_of(const WithOptions& object) {
  return object.options().tokenizer.errors;
}

khabar::NormalizerOptions normalizer_options(const py::dict& flags) {
  khabar::NormalizerOptions o;
  const std::pair<const char*, bool*> fields[] = {{"nfkc", &o.nfkc},
                                                  {"diacritics", &o.diacritics},
                                                  {"tatweel", &o.tatweel},
                                                  {"alef", &o.alef},
                                                  {"alef_maksura", &o.alef_maksura},
                                                  {"teh_marbuta", &o.teh_marbuta},
                                                  {"persian_letters", &o.persian_letters},
                                                  {"hamza", &o.hamza},
                                                  {"digits", &o.digits},
                                                  {"lowercase", &o.lowercase}};
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
  if (*name == "khabar") return khabar::Stemmer::khabar;
  throw py::value_error("stemmer must be None, 'light10' or 'khabar', got '" + *name + "'");
}

khabar::TextErrors text_errors_from_name(const std::string& name) {
  if (name == "strict") return khabar::TextErrors::strict;
  if (name == "replace") return khabar::TextErrors::replace;
  throw py::value_error("errors must be 'strict' or 'replace', got '" + name + "'");
}

khabar::TokenizerOptions tokenizer_options(const py::dict& d) {
  khabar::TokenizerOptions options;
  options.normalize = d["normalize"].cast<bool>();
  options.normalizer = normalizer_options(d["normalizer"].cast<py::dict>());
  options.stopwords = d["stopwords"].cast<std::vector<std::string>>();
  options.stemmer = stemmer_from_name(d["stemmer"].cast<std::optional<std::string>>());
  options.stem_exclusion = d["stem_exclusion"].cast<std::vector<std::string>>();
  options.min_length = d["min_length"].cast<std::size_t>();
  options.ngram_min = d["ngram_min"].cast<std::size_t>();
  options.ngram_max = d["ngram_max"].cast<std::size_t>();
  options.analyzer = analyzer_from_name(d["analyzer"].cast<std::string>());
  options.errors = text_errors_from_name(d["errors"].cast<std::string>());
  return options;
}

// The norm and dtype entries, shared by every vectorizer's options.
khabar::VectorizerOptions vectorizer_options_norm_and_dtype(const py::dict& d) {
  khabar::VectorizerOptions options;
  const auto norm = d["norm"].cast<std::optional<std::string>>();
  options.norm = !norm ? khabar::Norm::none : *norm == "l1" ? khabar::Norm::l1 : khabar::Norm::l2;
  const auto dtype = d["dtype"].cast<std::string>();
  options.value_type = dtype == "float32" ? khabar::ValueType::float32
                       : dtype == "int64" ? khabar::ValueType::int64
                                          : khabar::ValueType::float64;
  return options;
}

khabar::VectorizerOptions vectorizer_options(const py::dict& d) {
  khabar::VectorizerOptions options = vectorizer_options_norm_and_dtype(d);
  options.tokenizer = tokenizer_options(d["tokenizer"].cast<py::dict>());
  options.min_df = {d["min_df"].cast<double>(), d["min_df_proportion"].cast<bool>()};
  options.max_df = {d["max_df"].cast<double>(), d["max_df_proportion"].cast<bool>()};
  options.max_features = d["max_features"].cast<std::optional<std::size_t>>();
  options.binary = d["binary"].cast<bool>();
  options.use_idf = d["use_idf"].cast<bool>();
  options.smooth_idf = d["smooth_idf"].cast<bool>();
  options.sublinear_tf = d["sublinear_tf"].cast<bool>();
  return options;
}

// A NumPy array that owns `values` (moved to the heap, freed with the array): no copy.
template <class T>
py::array owning_array(std::vector<T>&& values) {
  auto* heap = new std::vector<T>(std::move(values));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

// (data, indices, indptr, shape) for scipy.sparse.csr_matrix. Index arrays are int32 when nnz
// allows (SciPy would otherwise upcast the column indices), int64 beyond.
py::tuple csr_to_python(khabar::CsrMatrix&& m) {
  py::array data = std::visit([](auto& values) { return owning_array(std::move(values)); }, m.data);
  py::array indices, indptr;
  if (m.nnz() <= static_cast<std::size_t>(INT32_MAX)) {
    std::vector<std::int32_t> narrow(m.indptr.begin(), m.indptr.end());
    indptr = owning_array(std::move(narrow));
    indices = owning_array(std::move(m.indices));
  } else {
    std::vector<std::int64_t> wide(m.indices.begin(), m.indices.end());
    indices = owning_array(std::move(wide));
    indptr = owning_array(std::move(m.indptr));
  }
  return py::make_tuple(data, indices, indptr, py::make_tuple(m.rows, m.cols));
}

// A no-copy view of SciPy CSR buffers (float64 data, int32 indices and indptr), which the
// Python layer guarantees; the arrays must outlive the view.
using CsrArrays = std::tuple<
    py::array_t<double, py::array::c_style>, py::array_t<std::int32_t, py::array::c_style>,
    py::array_t<std::int32_t, py::array::c_style>, std::pair<Eigen::Index, Eigen::Index>>;

khabar::SparseRowsView sparse_view(const CsrArrays& csr) {
  const auto& [data, indices, indptr, shape] = csr;
  if (indptr.size() != shape.first + 1 || indices.size() != data.size())
    throw py::value_error("inconsistent CSR arrays");
  return khabar::SparseRowsView(shape.first, shape.second, static_cast<Eigen::Index>(data.size()),
                                indptr.data(), indices.data(), data.data());
}

// A no-copy view of shingle sets given as (hashes uint64, offsets int64) arrays.
using ShingleArrays = std::pair<py::array_t<std::uint64_t, py::array::c_style>,
                                py::array_t<std::int64_t, py::array::c_style>>;

khabar::ShingleSetsView shingle_sets_view(const ShingleArrays& sets) {
  const auto& [hashes, offsets] = sets;
  if (offsets.size() < 1) throw py::value_error("shingle set offsets need at least one entry");
  return {hashes.data(), static_cast<std::size_t>(hashes.size()), offsets.data(),
          static_cast<std::size_t>(offsets.size() - 1)};
}

py::tuple neighbours_to_python(khabar::Neighbours&& neighbours) {
  return py::make_tuple(py::cast(std::move(neighbours.indices)),
                        py::cast(std::move(neighbours.scores)));
}

// transform() of a vectorizer on a list of documents, as SciPy CSR buffers.
template <class Vectorizer>
py::tuple transform_to_python(const Vectorizer& self, const py::list& docs, std::size_t n_threads,
                              std::size_t first_index) {
  const DocumentViews views(docs, first_index, errors_of(self));
  khabar::CsrMatrix matrix;
  views.run([&] { matrix = self.transform(views.views, n_threads); });
  return csr_to_python(std::move(matrix));
}

template <class T>
py::array copy_array(const std::vector<T>& values) {
  return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data());
}

class GcPause {
 public:
  GcPause() : was_enabled_(PyGC_Disable()) {}
  ~GcPause() {
    if (was_enabled_) PyGC_Enable();
  }
  GcPause(const GcPause&) = delete;
  GcPause& operator=(const GcPause&) = delete;

 private:
  int was_enabled_;
};

// Python lists of str from interned tokens: one str per distinct token, then lists filled
// with references to them.
py::list to_python_lists(const khabar::InternedDocuments& interned) {
  const GcPause pause;
  std::vector<py::object> strings;
  strings.reserve(interned.vocabulary.size());
  for (std::size_t id = 0; id < interned.vocabulary.size(); ++id) {
    const std::string_view token = interned.vocabulary.term(id);
    strings.push_back(py::str(token.data(), token.size()));
  }
  py::list out(interned.ids.size());
  for (std::size_t d = 0; d < interned.ids.size(); ++d) {
    const std::vector<std::uint32_t>& ids = interned.ids[d];
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(ids.size()));
    if (!list) throw py::error_already_set();
    for (std::size_t i = 0; i < ids.size(); ++i)
      PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), strings[ids[i]].inc_ref().ptr());
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(d), list);
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

  // scikit-learn's NotFittedError, so that khabar's estimators fail as scikit-learn's do.
  static py::object not_fitted_error =
      py::module_::import("sklearn.exceptions").attr("NotFittedError");
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const khabar::InvalidTextError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::InvalidOptionError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::ModelFormatError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::NotFittedError& error) {
      PyErr_SetString(not_fitted_error.ptr(), error.what());
    } catch (const std::system_error& error) {
      // OSError(errno, message) becomes FileNotFoundError, PermissionError... as Python's own.
      const py::object os_error = py::reinterpret_borrow<py::object>(PyExc_OSError)(
          error.code().value(), std::string(error.what()));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(os_error.ptr())), os_error.ptr());
    } catch (const khabar::Interrupted&) {
      // The signal handler's exception (KeyboardInterrupt) is already set.
      if (!PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
    }
  });

  py::class_<khabar::Normalizer>(m, "Normalizer")
      .def(py::init(
               [](const py::dict& flags) { return khabar::Normalizer(normalizer_options(flags)); }),
           py::arg("flags"))
      .def("normalize", [](const khabar::Normalizer& self, py::handle text) {
        const py::object checked = well_formed(text, std::nullopt, khabar::TextErrors::strict);
        const std::string_view view = text_view(checked);
        std::string out;
        {
          InterruptibleRelease release;
          out = self.normalize(view);
        }
        return out;
      });

  py::class_<khabar::Tokenizer>(m, "Tokenizer")
      .def(py::init([](const py::dict& options) {
             return khabar::Tokenizer(tokenizer_options(options));
           }),
           py::arg("options"))
      .def("tokenize",
           [](const khabar::Tokenizer& self, py::handle text) {
             const py::object checked = well_formed(text, std::nullopt, errors_of(self));
             const std::vector<khabar::TextView> views = {batch_text_view(checked)};
             khabar::InternedDocuments interned;
             {
               InterruptibleRelease release;
               interned = self.intern_many(views, 1);
             }
             const py::list lists = to_python_lists(interned);
             return py::object(lists[0]);
           })
      .def("tokenize_with_spans",
           [](const khabar::Tokenizer& self, py::handle text) {
             const py::object checked = well_formed(text, std::nullopt, errors_of(self));
             const std::string_view view = text_view(checked);
             std::vector<khabar::Token> tokens;
             {
               InterruptibleRelease release;
               tokens = self.tokenize_with_spans(view);
             }
             return tokens_with_spans(tokens, PyUnicode_Check(text.ptr()));
           })
      .def(
          "tokenize_many",
          [](const khabar::Tokenizer& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            const DocumentViews views(docs, first_index, errors_of(self));
            khabar::InternedDocuments interned;
            views.run([&] { interned = self.intern_many(views.views, n_threads); });
            return to_python_lists(interned);
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0)
      .def(
          "count_tokens",
          [](const khabar::Tokenizer& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            const DocumentViews views(docs, first_index, errors_of(self));
            std::vector<std::size_t> counts;
            views.run([&] { counts = self.count_tokens(views.views, n_threads); });
            py::array_t<std::int64_t> out(static_cast<py::ssize_t>(counts.size()));
            std::copy(counts.begin(), counts.end(), out.mutable_data());
            return out;
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0);

  py::class_<khabar::DocumentFrequencies>(m, "DocumentFrequencies")
      .def(py::init<>())
      .def_property_readonly("n_documents", &khabar::DocumentFrequencies::n_documents)
      .def("__len__", &khabar::DocumentFrequencies::size)
      .def("terms",
           [](const khabar::DocumentFrequencies& self) {
             py::list out(self.size());
             for (std::size_t i = 0; i < self.size(); ++i)
               out[i] = py::str(std::string(self.term(i)));
             return out;
           })
      .def("document_frequencies",
           [](const khabar::DocumentFrequencies& self) {
             py::array_t<std::int64_t> out(static_cast<py::ssize_t>(self.size()));
             for (std::size_t i = 0; i < self.size(); ++i)
               out.mutable_at(i) = self.document_frequency(i);
             return out;
           })
      .def("total_counts",
           [](const khabar::DocumentFrequencies& self) {
             py::array_t<std::int64_t> out(static_cast<py::ssize_t>(self.size()));
             for (std::size_t i = 0; i < self.size(); ++i) out.mutable_at(i) = self.total_count(i);
             return out;
           })
      .def("add",
           [](khabar::DocumentFrequencies& self, const std::string& term, std::int64_t documents,
              std::int64_t count) { self.add(term, documents, count); })
      .def("add_documents", &khabar::DocumentFrequencies::add_documents)
      .def("merge", &khabar::DocumentFrequencies::merge,
           py::return_value_policy::reference_internal)
      .def(
          "copy",
          [](const khabar::DocumentFrequencies& self) { return khabar::DocumentFrequencies(self); })
      .def("__eq__", &khabar::DocumentFrequencies::operator==)
      .def("to_bytes",
           [](const khabar::DocumentFrequencies& self) {
             std::string bytes;
             {
               py::gil_scoped_release release;
               bytes = khabar::serialize_frequencies(self);
             }
             return py::bytes(bytes);
           })
      .def_static("from_bytes", [](const py::bytes& data) {
        const std::string_view bytes = text_view(data);
        khabar::DocumentFrequencies frequencies;
        {
          py::gil_scoped_release release;
          frequencies = khabar::deserialize_frequencies(bytes);
        }
        return frequencies;
      });

  py::class_<khabar::TfidfVectorizer>(m, "TfidfVectorizer")
      .def(py::init([](const py::dict& options) {
             return khabar::TfidfVectorizer(vectorizer_options(options));
           }),
           py::arg("options"))
      .def("set_fixed_vocabulary", &khabar::TfidfVectorizer::set_fixed_vocabulary)
      .def_property_readonly("fitted", &khabar::TfidfVectorizer::fitted)
      .def_property_readonly("has_fixed_vocabulary", &khabar::TfidfVectorizer::has_fixed_vocabulary)
      .def_property_readonly("n_features", &khabar::TfidfVectorizer::n_features)
      .def("features",
           [](const khabar::TfidfVectorizer& self) {
             py::list out(self.n_features());
             for (std::size_t i = 0; i < self.n_features(); ++i)
               out[i] = py::str(std::string(self.feature(i)));
             return out;
           })
      .def("idf", [](const khabar::TfidfVectorizer& self) { return copy_array(self.idf()); })
      .def(
          "count",
          [](const khabar::TfidfVectorizer& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            const DocumentViews views(docs, first_index, errors_of(self));
            khabar::DocumentFrequencies frequencies;
            views.run([&] { frequencies = self.count(views.views, n_threads); });
            return frequencies;
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0)
      .def("fit_frequencies", &khabar::TfidfVectorizer::fit_frequencies,
           py::call_guard<InterruptibleRelease>())
      .def("transform", &transform_to_python<khabar::TfidfVectorizer>, py::arg("docs"),
           py::arg("n_threads"), py::arg("first_index") = 0);

  py::class_<khabar::TfidfVectorizer::Builder>(m, "TfidfBuilder")
      .def(py::init<khabar::TfidfVectorizer&, std::size_t>(), py::keep_alive<1, 2>())
      .def(
          "add",
          [](khabar::TfidfVectorizer::Builder& self, const py::list& docs,
             std::size_t first_index) {
            const DocumentViews views(docs, first_index, errors_of(self));
            views.run([&] { self.add(views.views); }, /*renumber=*/false);
          },
          py::arg("docs"), py::arg("first_index") = 0)
      .def("finish", [](khabar::TfidfVectorizer::Builder& self) {
        khabar::CsrMatrix matrix;
        {
          InterruptibleRelease release;
          matrix = self.finish();
        }
        return csr_to_python(std::move(matrix));
      });

  py::class_<khabar::HashingVectorizer>(m, "HashingVectorizer")
      .def(py::init([](const py::dict& d) {
             khabar::HashingOptions options;
             options.tokenizer = tokenizer_options(d["tokenizer"].cast<py::dict>());
             options.n_features = d["n_features"].cast<std::size_t>();
             options.alternate_sign = d["alternate_sign"].cast<bool>();
             options.binary = d["binary"].cast<bool>();
             const auto base = vectorizer_options_norm_and_dtype(d);
             options.norm = base.norm;
             options.value_type = base.value_type;
             return khabar::HashingVectorizer(std::move(options));
           }),
           py::arg("options"))
      .def("transform", &transform_to_python<khabar::HashingVectorizer>, py::arg("docs"),
           py::arg("n_threads"), py::arg("first_index") = 0);

  m.def(
      "cosine_similarity",
      [](const CsrArrays& x, const CsrArrays& y, std::size_t n_threads) {
        const auto xv = sparse_view(x), yv = sparse_view(y);
        InterruptibleRelease release;
        return khabar::cosine_similarity(xv, yv, n_threads);
      },
      py::arg("x"), py::arg("y"), py::arg("n_threads"));
  m.def(
      "top_k_similar",
      [](const CsrArrays& x, const CsrArrays& y, std::size_t k, double threshold, bool exclude_self,
         std::size_t n_threads) {
        const auto xv = sparse_view(x), yv = sparse_view(y);
        khabar::Neighbours neighbours;
        {
          InterruptibleRelease release;
          neighbours = khabar::top_k_similar(xv, yv, k, threshold, exclude_self, n_threads);
        }
        return neighbours_to_python(std::move(neighbours));
      },
      py::arg("x"), py::arg("y"), py::arg("k"), py::arg("threshold"), py::arg("exclude_self"),
      py::arg("n_threads"));

  py::class_<khabar::Bm25>(m, "Bm25")
      .def(py::init([](const py::dict& tokenizer, double k1, double b) {
             return khabar::Bm25({tokenizer_options(tokenizer), k1, b});
           }),
           py::arg("tokenizer"), py::arg("k1"), py::arg("b"))
      .def(
          "fit",
          [](khabar::Bm25& self, const py::list& docs, std::size_t n_threads) {
            const DocumentViews views(docs, 0, errors_of(self));
            views.run([&] { self.fit(views.views, n_threads); });
          },
          py::arg("docs"), py::arg("n_threads"))
      .def_property_readonly("n_documents", &khabar::Bm25::n_documents)
      .def(
          "search",
          [](const khabar::Bm25& self, const py::list& queries, std::size_t k,
             std::size_t n_threads) {
            const DocumentViews views(queries, 0, errors_of(self));
            khabar::Neighbours hits;
            views.run([&] { hits = self.search(views.views, k, n_threads); });
            return neighbours_to_python(std::move(hits));
          },
          py::arg("queries"), py::arg("k"), py::arg("n_threads"));

  py::class_<khabar::NearDuplicates>(m, "NearDuplicates")
      .def(py::init([](const py::dict& tokenizer, double threshold, std::size_t num_perm,
                       std::size_t shingle_size, std::uint64_t seed) {
             return khabar::NearDuplicates(
                 {tokenizer_options(tokenizer), threshold, num_perm, shingle_size, seed});
           }),
           py::arg("tokenizer"), py::arg("threshold"), py::arg("num_perm"), py::arg("shingle_size"),
           py::arg("seed"))
      .def_property_readonly("bands", &khabar::NearDuplicates::bands)
      .def_property_readonly("rows_per_band", &khabar::NearDuplicates::rows_per_band)
      .def("__len__", &khabar::NearDuplicates::size)
      .def(
          "add",
          [](khabar::NearDuplicates& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            const DocumentViews views(docs, first_index, errors_of(self));
            views.run([&] { self.add(views.views, n_threads); }, /*renumber=*/false);
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0)
      .def("signatures",
           [](const khabar::NearDuplicates& self) {
             const auto n = static_cast<py::ssize_t>(self.size());
             const auto width = static_cast<py::ssize_t>(self.options().num_perm);
             py::array_t<std::uint32_t> out({n, width});
             if (n > 0)
               std::copy(self.signature(0), self.signature(0) + n * width, out.mutable_data());
             return out;
           })
      .def(
          "pairs",
          [](const khabar::NearDuplicates& self, std::size_t n_threads) {
            std::vector<khabar::DuplicatePair> pairs;
            {
              InterruptibleRelease release;
              pairs = self.pairs(n_threads);
            }
            std::vector<std::int64_t> first, second;
            std::vector<double> jaccard;
            for (const auto& p : pairs) {
              first.push_back(static_cast<std::int64_t>(p.first));
              second.push_back(static_cast<std::int64_t>(p.second));
              jaccard.push_back(p.jaccard);
            }
            return py::make_tuple(owning_array(std::move(first)), owning_array(std::move(second)),
                                  owning_array(std::move(jaccard)));
          },
          py::arg("n_threads"))
      .def("query",
           [](const khabar::NearDuplicates& self, py::handle text) {
             const py::object checked = well_formed(text, std::nullopt, errors_of(self));
             const khabar::TextView view = batch_text_view(checked);
             std::vector<khabar::DuplicatePair> hits;
             {
               InterruptibleRelease release;
               hits = self.query(view);
             }
             py::list out;
             for (const auto& h : hits) out.append(py::make_tuple(h.first, h.jaccard));
             return out;
           })
      .def("jaccard", &khabar::NearDuplicates::jaccard)
      .def("shingle_sets",
           [](const khabar::NearDuplicates& self) {
             std::vector<std::int64_t> offsets(self.size() + 1, 0);
             for (std::size_t d = 0; d < self.size(); ++d)
               offsets[d + 1] = offsets[d] + static_cast<std::int64_t>(self.shingles(d).size());
             std::vector<std::uint64_t> hashes;
             hashes.reserve(static_cast<std::size_t>(offsets.back()));
             for (std::size_t d = 0; d < self.size(); ++d)
               hashes.insert(hashes.end(), self.shingles(d).begin(), self.shingles(d).end());
             return py::make_tuple(owning_array(std::move(hashes)),
                                   owning_array(std::move(offsets)));
           })
      .def("band_keys", [](const khabar::NearDuplicates& self) {
        std::vector<std::uint64_t> keys;
        {
          py::gil_scoped_release release;
          keys = self.band_keys();
        }
        const auto n = static_cast<py::ssize_t>(self.size());
        return owning_array(std::move(keys)).reshape({n, static_cast<py::ssize_t>(self.bands())});
      });
  m.def(
      "shingle_jaccard",
      [](const ShingleArrays& a, const py::array_t<std::int64_t, py::array::c_style>& first,
         const ShingleArrays& b, const py::array_t<std::int64_t, py::array::c_style>& second,
         std::size_t n_threads) {
        if (first.size() != second.size())
          throw py::value_error("first and second must have the same length");
        const auto av = shingle_sets_view(a), bv = shingle_sets_view(b);
        std::vector<double> similarity;
        {
          py::gil_scoped_release release;
          similarity = khabar::shingle_jaccard(av, first.data(), bv, second.data(),
                                               static_cast<std::size_t>(first.size()), n_threads);
        }
        return owning_array(std::move(similarity));
      },
      py::arg("a"), py::arg("first"), py::arg("b"), py::arg("second"), py::arg("n_threads"));
  m.def("lsh_bands", &khabar::lsh_bands, py::arg("threshold"), py::arg("num_perm"),
        py::arg("false_positive_weight") = 0.5, py::arg("false_negative_weight") = 0.5);

  m.def(
      "shared_passages",
      [](py::handle a, py::handle b, std::size_t min_words, const khabar::Tokenizer& tokenizer) {
        const py::object a_checked = well_formed(a, 0, errors_of(tokenizer));
        const py::object b_checked = well_formed(b, 1, errors_of(tokenizer));
        const std::string_view av = text_view(a_checked), bv = text_view(b_checked);
        const bool a_chars = PyUnicode_Check(a.ptr()), b_chars = PyUnicode_Check(b.ptr());
        std::vector<khabar::Passage> passages;
        {
          InterruptibleRelease release;
          passages = khabar::shared_passages(av, bv, min_words, tokenizer);
        }
        py::list out;
        for (const auto& p : passages)
          out.append(py::make_tuple(a_chars ? p.a_span.begin_char : p.a_span.begin_byte,
                                    a_chars ? p.a_span.end_char : p.a_span.end_byte,
                                    b_chars ? p.b_span.begin_char : p.b_span.begin_byte,
                                    b_chars ? p.b_span.end_char : p.b_span.end_byte, p.n_words()));
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("min_words"), py::arg("tokenizer"));

  m.def(
      "murmurhash3_32",
      [](py::handle data, std::uint32_t seed) {
        const py::object checked = well_formed(data, std::nullopt, khabar::TextErrors::strict);
        return khabar::murmurhash3_32(text_view(checked), seed);
      },
      py::arg("data"), py::arg("seed") = 0);

  m.def(
      "serialize_model",
      [](const khabar::TfidfVectorizer& model, const std::string& annotations) {
        std::string bytes;
        {
          InterruptibleRelease release;
          bytes = khabar::serialize_model(model, annotations);
        }
        return py::bytes(bytes);
      },
      py::arg("model"), py::arg("annotations"));
  m.def(
      "deserialize_model",
      [](const py::bytes& data) {
        const std::string_view bytes = text_view(data);
        std::optional<khabar::LoadedModel> loaded;
        {
          InterruptibleRelease release;
          loaded.emplace(khabar::deserialize_model(bytes));
        }
        return py::make_tuple(std::move(loaded->vectorizer), loaded->annotations_json);
      },
      py::arg("data"));
  m.def("save_model", &khabar::save_model, py::arg("model"), py::arg("path"),
        py::arg("annotations"), py::call_guard<InterruptibleRelease>());
  m.def(
      "load_model",
      [](const std::string& path) {
        std::optional<khabar::LoadedModel> loaded;
        {
          InterruptibleRelease release;
          loaded.emplace(khabar::load_model(path));
        }
        return py::make_tuple(std::move(loaded->vectorizer), loaded->annotations_json);
      },
      py::arg("path"));

  m.def("light10_stem", [](py::handle word) {
    const py::object checked = well_formed(word, std::nullopt, khabar::TextErrors::strict);
    return khabar::light10_stem(text_view(checked));
  });
  m.def("khabar_stem", [](py::handle word) {
    const py::object checked = well_formed(word, std::nullopt, khabar::TextErrors::strict);
    return khabar::khabar_stem(text_view(checked));
  });
  m.def("arabic_stopwords", &khabar::arabic_stopwords);
}
