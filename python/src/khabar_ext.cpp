// pybind11 module khabar._core: converts Python objects to the C++ API's types and back,
// releases the GIL around C++ work and maps C++ exceptions to Python ones. No text logic here.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <khabar/khabar.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
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

// The UTF-8 form of a Python str without lone surrogates (TypeError for any other object,
// ValueError for a surrogate), valid while `text` lives.
std::string_view python_str_utf8(py::handle text, const char* name) {
  if (!PyUnicode_Check(text.ptr()))
    throw py::type_error(std::string(name) + ": expected str, got " +
                         std::string(Py_TYPE(text.ptr())->tp_name));
  if (const auto surrogate = first_surrogate(text.ptr()))
    throw py::value_error(std::string(name) + ": lone surrogate at char offset " +
                          std::to_string(*surrogate));
  return text_view(text);
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

// --- Options: typed classes generated from each struct's describe() ---------------------------
//
// Each option is a Python property converting to and from the member's C++ type; a value of
// the wrong type or outside the type's range raises InvalidParameterError naming the option.
// Validation of ranges and combinations is the struct's own validate().

using khabar::IsOptional;
using khabar::IsOptions;

[[noreturn]] void wrong_type(const std::string& name, const char* expected, py::handle value) {
  throw khabar::InvalidParameterError(
      name, std::string("must be ") + expected + ", got " + py::repr(value).cast<std::string>());
}

bool is_python_bool(py::handle value) {
  if (PyBool_Check(value.ptr())) return true;
  static const py::object numpy_bool = py::module_::import("numpy").attr("bool_");
  return py::isinstance(value, numpy_bool);
}

// An int (numbers.Integral: int, NumPy integers), not a bool.
bool is_python_int(py::handle value) {
  return !is_python_bool(value) && PyIndex_Check(value.ptr());
}

// A real number (int or float, NumPy's too), not a bool.
bool is_python_real(py::handle value) {
  if (is_python_bool(value) || PyComplex_Check(value.ptr())) return false;
  return PyFloat_Check(value.ptr()) || PyIndex_Check(value.ptr()) ||
         (PyNumber_Check(value.ptr()) && py::hasattr(value, "__float__"));
}

template <class T>
T unsigned_from_python(const std::string& name, py::handle value) {
  if (!is_python_int(value)) wrong_type(name, "an int >= 0", value);
  const py::int_ number = py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr()));
  const std::string at_most = "an int <= " + std::to_string(std::numeric_limits<T>::max());
  const unsigned long long converted = PyLong_AsUnsignedLongLong(number.ptr());
  if (converted == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();  // OverflowError: negative, or more than 64 bits
    wrong_type(name,
               PyObject_RichCompareBool(number.ptr(), py::int_(0).ptr(), Py_LT) == 1
                   ? "an int >= 0"
                   : at_most.c_str(),
               value);
  }
  if (converted > std::numeric_limits<T>::max()) wrong_type(name, at_most.c_str(), value);
  return static_cast<T>(converted);
}

template <class T>
py::object option_to_python(const T& value) {
  if constexpr (std::is_enum_v<T>) {
    const char* name = khabar::enum_name(value);
    return name ? py::object(py::str(name)) : py::object(py::none());
  } else if constexpr (std::is_same_v<T, khabar::DocumentLimit>) {
    // A proportion is a float, a number of documents an int: scikit-learn's convention.
    if (value.proportion) return py::float_(value.value);
    // int(value) as Python computes it: exact for any double, where a cast to long long
    // would be undefined beyond its range.
    PyObject* number = PyLong_FromDouble(value.value);
    if (!number) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(number);
  } else if constexpr (IsOptional<T>::value) {
    return value ? option_to_python(*value) : py::object(py::none());
  } else {
    return py::cast(value);
  }
}

template <class T>
T option_from_python(const std::string& name, py::handle value) {
  if constexpr (IsOptions<T>::value) {
    if (!py::isinstance<T>(value))
      wrong_type(name, py::type::of<T>().attr("__name__").template cast<std::string>().c_str(),
                 value);
    return value.cast<T>();
  } else if constexpr (std::is_enum_v<T>) {
    if (value.is_none()) return khabar::enum_from_name<T>(name, nullptr);
    if (!py::isinstance<py::str>(value))
      throw khabar::InvalidParameterError(name, "must be one of " + khabar::enum_choices<T>() +
                                                    ", got " + py::repr(value).cast<std::string>());
    return khabar::enum_from_name<T>(name, value.cast<std::string>().c_str());
  } else if constexpr (std::is_same_v<T, khabar::DocumentLimit>) {
    if (is_python_int(value)) {
      // validate() checks the range; an int a double cannot hold exactly is beyond it already.
      const py::int_ number = py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr()));
      int overflow = 0;
      const long long documents = PyLong_AsLongLongAndOverflow(number.ptr(), &overflow);
      if (overflow > 0 || documents > static_cast<long long>(khabar::kMaxDocumentLimit))
        wrong_type(name,
                   "a whole number of documents <= 2**53 (9007199254740992) when it is not a "
                   "proportion",
                   value);
      if (overflow < 0)
        wrong_type(name, "a float in the range [0.0, 1.0] or an int in the range [1, inf)", value);
      return {static_cast<double>(documents), false};
    }
    if (!is_python_real(value))
      wrong_type(name, "a float in the range [0.0, 1.0] or an int in the range [1, inf)", value);
    return {value.cast<double>(), true};
  } else if constexpr (IsOptional<T>::value) {
    if (value.is_none()) return std::nullopt;
    return option_from_python<typename T::value_type>(name, value);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!is_python_bool(value)) wrong_type(name, "a bool", value);
    return PyObject_IsTrue(value.ptr()) == 1;
  } else if constexpr (std::is_integral_v<T>) {
    return unsigned_from_python<T>(name, value);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!is_python_real(value)) wrong_type(name, "a float", value);
    return value.cast<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!py::isinstance<py::str>(value)) wrong_type(name, "a str", value);
    return value.cast<std::string>();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) ||
        !py::isinstance<py::iterable>(value))
      wrong_type(name, "a list of str", value);
    std::vector<std::string> out;
    for (const py::handle item : py::reinterpret_borrow<py::iterable>(value)) {
      if (!py::isinstance<py::str>(item)) wrong_type(name, "a list of str, holding", item);
      out.push_back(item.cast<std::string>());
    }
    return out;
  } else {
    static_assert(sizeof(T) == 0, "an option type without a Python form");
  }
}

template <class Options>
py::object options_to_dict(const Options& options);

template <class Options>
void set_option(Options& options, const std::string& name, py::handle value) {
  bool found = false;
  Options::describe([&](const char* field_name, auto field) {
    if (found || name != field_name) return;
    found = true;
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      using Value = std::decay_t<decltype(options.*field)>;
      options.*field = option_from_python<Value>(name, value);
    } else {  // a (low, high) range: a tuple of two ints
      using Value = std::decay_t<decltype(options.*field.low)>;
      if (!py::isinstance<py::tuple>(value) && !py::isinstance<py::list>(value))
        wrong_type(name, "a tuple (min_n, max_n)", value);
      const py::sequence pair = py::reinterpret_borrow<py::sequence>(value);
      if (pair.size() != 2) wrong_type(name, "a tuple (min_n, max_n)", value);
      options.*field.low = option_from_python<Value>(name, pair[0]);
      options.*field.high = option_from_python<Value>(name, pair[1]);
    }
  });
  if (!found) {
    std::string known;
    Options::describe([&](const char* field_name, auto) {
      known += (known.empty() ? "'" : ", '") + std::string(field_name) + "'";
    });
    throw khabar::InvalidParameterError(name, "is unknown; the options are " + known);
  }
}

template <class Options>
py::object get_option(Options& options, const char* field_name, py::handle owner) {
  py::object out = py::none();
  Options::describe([&](const char* name, auto field) {
    if (std::string_view(name) != field_name) return;
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      using Value = std::decay_t<decltype(options.*field)>;
      if constexpr (IsOptions<Value>::value)  // a view into `owner`, so that o.a.b = x works
        out = py::cast(&(options.*field), py::return_value_policy::reference_internal, owner);
      else
        out = option_to_python(options.*field);
    } else {
      out = py::make_tuple(options.*field.low, options.*field.high);
    }
  });
  return out;
}

template <class Options>
py::object options_to_dict(const Options& options) {
  py::dict out;
  Options::describe([&](const char* name, auto field) {
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      using Value = std::decay_t<decltype(options.*field)>;
      if constexpr (IsOptions<Value>::value)
        out[name] = options_to_dict(options.*field);
      else
        out[name] = option_to_python(options.*field);
    } else {
      out[name] = py::make_tuple(options.*field.low, options.*field.high);
    }
  });
  return std::move(out);
}

// The Python class of an options struct: keyword construction, one property per option,
// validate(), fields, equality, repr and pickling by the options' values.
template <class Options>
py::class_<Options> bind_options(py::module_& m, const char* name, const char* doc) {
  py::class_<Options> cls(m, name, doc);
  cls.def(py::init([](const py::kwargs& options) {
            Options out;
            for (const auto& [key, value] : options)
              set_option(out, key.template cast<std::string>(), value);
            return out;
          }),
          "Options with their defaults, overridden by keyword (unknown names raise "
          "InvalidParameterError).");
  py::list fields;
  Options::describe([&](const char* field_name, auto) {
    fields.append(field_name);
    cls.def_property(
        field_name,
        [field_name](py::object self) {
          return get_option(self.cast<Options&>(), field_name, self);
        },
        [field_name](Options& self, py::handle value) { set_option(self, field_name, value); });
  });
  cls.attr("fields") = py::tuple(fields);
  cls.def("validate", &Options::validate,
          "Raises InvalidParameterError (or ValueError for options that contradict each other)");
  cls.def("to_dict", [](const Options& self) { return options_to_dict(self); });
  cls.def("__eq__", [](const Options& self, py::handle other) {
    return py::isinstance<Options>(other) &&
           options_to_dict(self).equal(options_to_dict(other.cast<const Options&>()));
  });
  cls.def("__repr__", [name](const Options& self) {
    return std::string(name) + "(**" +
           py::repr(options_to_dict(self)).template cast<std::string>() + ")";
  });
  cls.def("__copy__", [](const Options& self) { return Options(self); });
  cls.def("__deepcopy__", [](const Options& self, py::handle) { return Options(self); });
  cls.attr("__hash__") = py::none();
  return cls;
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
  if (auto* narrow = std::get_if<std::vector<std::int32_t>>(&m.indptr)) {
    indptr = owning_array(std::move(*narrow));
    indices = owning_array(std::move(m.indices));
  } else {
    std::vector<std::int64_t> wide(m.indices.begin(), m.indices.end());
    indices = owning_array(std::move(wide));
    indptr = owning_array(std::move(std::get<std::vector<std::int64_t>>(m.indptr)));
  }
  return py::make_tuple(data, indices, indptr, py::make_tuple(m.rows, m.cols));
}

// SciPy CSR buffers (float64 data; int32 or int64 indices and indptr, as SciPy chooses) seen
// as a SparseRowsView: int32 buffers without a copy, int64 ones narrowed by the C++ core,
// which refuses values that would wrap. The arrays must outlive the view; the structure is
// checked by the C++ functions that read it.
using CsrArrays = std::tuple<py::array_t<double, py::array::c_style>, py::array, py::array,
                             std::pair<Eigen::Index, Eigen::Index>>;

class CsrInput {
 public:
  CsrInput(const CsrArrays& csr, const char* name) {
    const auto& [data, indices, indptr, shape] = csr;
    if (shape.first < 0 || shape.second < 0 || indptr.ndim() != 1 || indices.ndim() != 1 ||
        indptr.size() != shape.first + 1 || indices.size() != data.size())
      throw py::value_error(std::string(name) + ": inconsistent CSR arrays (shape, indptr " +
                            "length and indices length disagree)");
    const std::int32_t *indptr_data, *indices_data;
    if (py::isinstance<py::array_t<std::int32_t>>(indptr) &&
        py::isinstance<py::array_t<std::int32_t>>(indices)) {
      indptr32_ = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>(indptr);
      indices32_ = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>(indices);
      indptr_data = indptr32_.data();
      indices_data = indices32_.data();
    } else if (py::isinstance<py::array_t<std::int64_t>>(indptr) &&
               py::isinstance<py::array_t<std::int64_t>>(indices)) {
      using Wide = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
      const Wide wide_indptr(indptr), wide_indices(indices);
      narrowed_ = khabar::narrow_csr_indices(
          shape.second, wide_indptr.data(), static_cast<std::size_t>(wide_indptr.size()),
          wide_indices.data(), static_cast<std::size_t>(wide_indices.size()), name);
      indptr_data = narrowed_.indptr.data();
      indices_data = narrowed_.indices.data();
    } else {
      throw py::value_error(std::string(name) + ": CSR indices and indptr must both be int32 " +
                            "or both int64");
    }
    view_.emplace(shape.first, shape.second, static_cast<Eigen::Index>(data.size()), indptr_data,
                  indices_data, data.data());
  }
  const khabar::SparseRowsView& view() const { return *view_; }

 private:
  py::array_t<std::int32_t, py::array::c_style | py::array::forcecast> indptr32_, indices32_;
  khabar::NarrowedIndices narrowed_;
  std::optional<khabar::SparseRowsView> view_;
};

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

// Documents given as lists (any iterables) of str tokens, e.g. by a Python analyzer.
khabar::TokenDocuments token_documents(const py::list& docs, std::size_t first_index) {
  khabar::TokenDocuments out;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const py::handle doc = docs[d];
    if (PyUnicode_Check(doc.ptr()) || PyBytes_Check(doc.ptr()) ||
        !py::isinstance<py::iterable>(doc))
      throw py::type_error(document_prefix(first_index + d) +
                           "the analyzer must give an iterable of str tokens, got " +
                           std::string(Py_TYPE(doc.ptr())->tp_name));
    for (const py::handle token : py::reinterpret_borrow<py::iterable>(doc)) {
      if (!PyUnicode_Check(token.ptr()))
        throw py::type_error(
            document_prefix(first_index + d) +
            "the analyzer gave a token that is not a str: " + py::repr(token).cast<std::string>());
      if (const auto surrogate = first_surrogate(token.ptr()))
        throw py::value_error(document_prefix(first_index + d) + "lone surrogate in token " +
                              py::repr(token).cast<std::string>());
      out.add_token(text_view(token));
    }
    out.end_document();
  }
  return out;
}

// transform() of a vectorizer on documents given as their tokens.
template <class Vectorizer>
py::tuple transform_tokens_to_python(const Vectorizer& self, const py::list& docs,
                                     std::size_t n_threads, std::size_t first_index) {
  const khabar::TokenDocuments tokens = token_documents(docs, first_index);
  khabar::CsrMatrix matrix;
  {
    InterruptibleRelease release;
    matrix = self.transform(tokens, n_threads);
  }
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

// Converting millions of tokens holds the GIL for seconds: Ctrl-C is honoured meanwhile.
void check_signals_every(std::size_t i) {
  if (i % 65536 == 65535 && PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// Python lists of str from interned tokens: one str per distinct token, then lists filled
// with references to them.
py::list to_python_lists(const khabar::InternedDocuments& interned) {
  const GcPause pause;
  std::vector<py::object> strings;
  strings.reserve(interned.vocabulary.size());
  for (std::size_t id = 0; id < interned.vocabulary.size(); ++id) {
    check_signals_every(id);
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

// The stem of one word as a str. A str of two-byte kind (Arabic) is stemmed on its own UTF-16
// units and the str made from the stem's, with no round trip through UTF-8 (for a call per
// word that round trip took about as long as the stemming).
template <class Stem>
py::object stem_as_str(py::handle word, Stem&& stem) {
  const py::object checked = well_formed(word, std::nullopt, khabar::TextErrors::strict);
  const khabar::TextView text = batch_text_view(checked);
  if (!text.is_utf16()) return py::str(stem(text.utf8()));
  const std::u16string_view units = stem(text.utf16());
  // A word that is its own stem (a name, a word no cut is supported for) is handed back as the
  // same str, as str.strip() does when there is nothing to strip: no copy.
  if (units.data() == text.utf16().data() && units.size() == text.utf16().size() &&
      PyUnicode_CheckExact(checked.ptr()))
    return checked;
  PyObject* out = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, units.data(),
                                            static_cast<Py_ssize_t>(units.size()));
  if (!out) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(out);
}

py::list tokens_with_spans(const std::vector<khabar::Token>& tokens, bool char_offsets) {
  const GcPause pause;  // millions of tuples would run the collector again and again
  py::list out(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    check_signals_every(i);
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
  // scikit-learn's InvalidParameterError (a ValueError and a TypeError), raised where
  // scikit-learn's own parameter validation would raise it.
  static py::object invalid_parameter_error =
      py::module_::import("sklearn.utils._param_validation").attr("InvalidParameterError");
  m.attr("InvalidParameterError") = invalid_parameter_error;
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const khabar::InvalidTextError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::InvalidParameterError& error) {
      PyErr_SetString(invalid_parameter_error.ptr(), error.what());
    } catch (const khabar::InvalidOptionError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::InvalidMatrixError& error) {
      PyErr_SetString(PyExc_ValueError, error.what());
    } catch (const khabar::MemoryLimitError& error) {
      PyErr_SetString(PyExc_MemoryError, error.what());
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

  bind_options<khabar::NormalizerOptions>(m, "NormalizerOptions",
                                          "khabar::NormalizerOptions: which normalizations apply");
  bind_options<khabar::TokenizerOptions>(m, "TokenizerOptions", "khabar::TokenizerOptions");
  bind_options<khabar::VectorizerOptions>(m, "VectorizerOptions", "khabar::VectorizerOptions")
      .def_static("counts", &khabar::VectorizerOptions::counts,
                  "The options of a CountVectorizer: integer counts, no idf, no norm");
  bind_options<khabar::HashingOptions>(m, "HashingOptions", "khabar::HashingOptions");
  bind_options<khabar::Bm25Options>(m, "Bm25Options", "khabar::Bm25Options");
  bind_options<khabar::NearDuplicateOptions>(m, "NearDuplicateOptions",
                                             "khabar::NearDuplicateOptions");

  py::class_<khabar::Normalizer>(m, "Normalizer")
      .def(py::init<khabar::NormalizerOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const khabar::Normalizer& self) { return self.options(); })
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
      .def(py::init<khabar::TokenizerOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const khabar::Tokenizer& self) { return self.options(); })
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
      .def(py::init<khabar::VectorizerOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const khabar::TfidfVectorizer& self) { return self.options(); })
      .def("set_fixed_vocabulary", &khabar::TfidfVectorizer::set_fixed_vocabulary)
      .def("restore", &khabar::TfidfVectorizer::restore, py::arg("terms"), py::arg("idf"),
           py::arg("fixed"))
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
           py::arg("n_threads"), py::arg("first_index") = 0)
      .def(
          "count_tokens",
          [](const khabar::TfidfVectorizer& self, const py::list& docs, std::size_t n_threads,
             std::size_t first_index) {
            const khabar::TokenDocuments tokens = token_documents(docs, first_index);
            InterruptibleRelease release;
            return self.count(tokens, n_threads);
          },
          py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0)
      .def("transform_tokens", &transform_tokens_to_python<khabar::TfidfVectorizer>,
           py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0);

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
      .def(
          "add_tokens",
          [](khabar::TfidfVectorizer::Builder& self, const py::list& docs,
             std::size_t first_index) {
            const khabar::TokenDocuments tokens = token_documents(docs, first_index);
            InterruptibleRelease release;
            self.add(tokens);
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
      .def(py::init<khabar::HashingOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const khabar::HashingVectorizer& self) { return self.options(); })
      .def("transform", &transform_to_python<khabar::HashingVectorizer>, py::arg("docs"),
           py::arg("n_threads"), py::arg("first_index") = 0)
      .def("transform_tokens", &transform_tokens_to_python<khabar::HashingVectorizer>,
           py::arg("docs"), py::arg("n_threads"), py::arg("first_index") = 0);

  m.def(
      "cosine_similarity",
      [](const CsrArrays& x, const CsrArrays& y, std::size_t n_threads) {
        const CsrInput xv(x, "X"), yv(y, "Y");
        InterruptibleRelease release;
        return khabar::cosine_similarity(xv.view(), yv.view(), n_threads);
      },
      py::arg("x"), py::arg("y"), py::arg("n_threads"));
  m.def(
      "top_k_similar",
      [](const CsrArrays& x, const CsrArrays& y, std::size_t k, double threshold, bool exclude_self,
         std::size_t n_threads) {
        const CsrInput xv(x, "X"), yv(y, "Y");
        khabar::Neighbours neighbours;
        {
          InterruptibleRelease release;
          neighbours =
              khabar::top_k_similar(xv.view(), yv.view(), k, threshold, exclude_self, n_threads);
        }
        return neighbours_to_python(std::move(neighbours));
      },
      py::arg("x"), py::arg("y"), py::arg("k"), py::arg("threshold"), py::arg("exclude_self"),
      py::arg("n_threads"));

  py::class_<khabar::Bm25>(m, "Bm25")
      .def(py::init<khabar::Bm25Options>(), py::arg("options"))
      .def_property_readonly("options", [](const khabar::Bm25& self) { return self.options(); })
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
      .def(py::init<khabar::NearDuplicateOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const khabar::NearDuplicates& self) { return self.options(); })
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
          [](const khabar::NearDuplicates& self, std::size_t n_threads, std::size_t max_pairs) {
            std::vector<khabar::DuplicatePair> pairs;
            bool truncated = false;
            {
              InterruptibleRelease release;
              pairs = self.pairs(n_threads, max_pairs, &truncated);
            }
            std::vector<std::int64_t> first, second;
            std::vector<double> jaccard;
            for (const auto& p : pairs) {
              first.push_back(static_cast<std::int64_t>(p.first));
              second.push_back(static_cast<std::int64_t>(p.second));
              jaccard.push_back(p.jaccard);
            }
            return py::make_tuple(owning_array(std::move(first)), owning_array(std::move(second)),
                                  owning_array(std::move(jaccard)), truncated);
          },
          py::arg("n_threads"), py::arg("max_pairs"))
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
      [](py::handle a, py::handle b, std::size_t min_words, const khabar::Tokenizer& tokenizer,
         std::size_t max_passages) {
        const py::object a_checked = well_formed(a, 0, errors_of(tokenizer));
        const py::object b_checked = well_formed(b, 1, errors_of(tokenizer));
        const std::string_view av = text_view(a_checked), bv = text_view(b_checked);
        const bool a_chars = PyUnicode_Check(a.ptr()), b_chars = PyUnicode_Check(b.ptr());
        std::vector<khabar::Passage> passages;
        bool truncated = false;
        {
          InterruptibleRelease release;
          passages =
              khabar::shared_passages(av, bv, min_words, tokenizer, max_passages, &truncated);
        }
        py::list out;
        for (const auto& p : passages)
          out.append(py::make_tuple(a_chars ? p.a_span.begin_char : p.a_span.begin_byte,
                                    a_chars ? p.a_span.end_char : p.a_span.end_byte,
                                    b_chars ? p.b_span.begin_char : p.b_span.begin_byte,
                                    b_chars ? p.b_span.end_char : p.b_span.end_byte, p.n_words()));
        return py::make_tuple(out, truncated);
      },
      py::arg("a"), py::arg("b"), py::arg("min_words"), py::arg("tokenizer"),
      py::arg("max_passages"));

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
    return stem_as_str(word, [](auto text) { return khabar::light10_stem(text); });
  });
  m.def("khabar_stem", [](py::handle word) {
    return stem_as_str(word, [](auto text) { return khabar::khabar_stem(text); });
  });
  m.def("arabic_stopwords", &khabar::arabic_stopwords);
  m.def("tokenizes_text", &khabar::tokenizes_text, py::arg("options"));
  m.def("is_native_token_pattern", &khabar::is_native_token_pattern, py::arg("pattern"));

  // Test hooks of khabar/python_regex.hpp (tests/python/test_python_regex.py), on a str only:
  // its UTF-8 form is well-formed once lone surrogates are refused. Spans are converted from
  // UTF-8 bytes to the code point offsets of re.Match.span().
  m.def(
      "_python_regex_find_all",
      [](py::handle text,
         py::handle pattern) -> std::optional<std::vector<std::pair<std::size_t, std::size_t>>> {
        const std::string_view utf8 = python_str_utf8(text, "text");
        const auto parsed = khabar::PythonWordPattern::parse(python_str_utf8(pattern, "pattern"));
        if (!parsed) return std::nullopt;
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        {
          py::gil_scoped_release release;
          parsed->find_all(utf8, spans);
        }
        // One pass over the text: spans are in order and do not overlap.
        std::size_t byte = 0, code_point = 0;
        const auto to_code_points = [&](std::size_t target) {
          for (; byte < target; ++byte)
            if ((static_cast<unsigned char>(utf8[byte]) & 0xC0) != 0x80) ++code_point;
          return code_point;
        };
        for (auto& [begin, end] : spans) {
          begin = to_code_points(begin);
          end = to_code_points(end);
        }
        return spans;
      },
      py::arg("text"), py::arg("pattern"));
  m.def(
      "_python_lower",
      [](py::handle text) {
        const std::string_view utf8 = python_str_utf8(text, "text");
        std::string lowered;
        {
          py::gil_scoped_release release;
          khabar::python_lower(utf8, lowered);
        }
        return lowered;
      },
      py::arg("text"));

  m.def(
      "assign_stories",
      [](const CsrArrays& earlier_terms, const CsrArrays& earlier_names,
         std::vector<double> earlier_times, std::vector<std::int64_t> earlier_stories,
         const CsrArrays& terms, const CsrArrays& names, std::vector<double> times,
         std::int64_t next_story, double threshold, double window_seconds, double name_weight,
         double size_penalty, std::size_t candidates, std::size_t n_threads) {
        const CsrInput earlier_terms_view(earlier_terms, "earlier terms"),
            earlier_names_view(earlier_names, "earlier names"), terms_view(terms, "terms"),
            names_view(names, "names");
        const khabar::StoryArticles earlier{earlier_terms_view.view(), earlier_names_view.view(),
                                            std::move(earlier_times)};
        const khabar::StoryArticles articles{terms_view.view(), names_view.view(),
                                             std::move(times)};
        khabar::StoryOptions options;
        options.threshold = threshold;
        options.window_seconds = window_seconds;
        options.name_weight = name_weight;
        options.size_penalty = size_penalty;
        options.candidates = candidates;
        options.n_threads = n_threads;
        khabar::StoryAssignments assigned;
        {
          InterruptibleRelease release;
          assigned =
              khabar::assign_stories(earlier, earlier_stories, articles, next_story, options);
        }
        return py::make_tuple(owning_array(std::move(assigned.story)),
                              owning_array(std::move(assigned.score)), assigned.next_story);
      },
      py::arg("earlier_terms"), py::arg("earlier_names"), py::arg("earlier_times"),
      py::arg("earlier_stories"), py::arg("terms"), py::arg("names"), py::arg("times"),
      py::arg("next_story"), py::arg("threshold"), py::arg("window_seconds"),
      py::arg("name_weight"), py::arg("size_penalty"), py::arg("candidates"), py::arg("n_threads"));
}
