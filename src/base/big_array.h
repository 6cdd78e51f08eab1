// BigArray<T>: a growable array for large columns of trivially copyable
// values, backed by an anonymous memory mapping.
//
// Why not std::vector: growing a vector copies every element and
// value-initialises the new ones; a million-row column is rewritten at each
// doubling. BigArray grows with mremap (the kernel moves page tables, not
// data), relies on the kernel's zero pages instead of writing zeros, and asks
// for transparent huge pages (a page fault is expensive on a VM).
//
// New elements read as zero. Not thread-safe for writes; a value type
// (copying copies the elements).
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>

namespace zhida {

template <typename T>
class BigArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  BigArray() = default;
  explicit BigArray(size_t n) { resize(n); }
  BigArray(size_t n, T value) {
    resize(n);
    std::fill(data_, data_ + n, value);
  }
  ~BigArray() { release(); }
  BigArray(const BigArray& o) { *this = o; }
  BigArray& operator=(const BigArray& o) {
    if (this == &o) return *this;
    resize(0);
    resize(o.size_);
    if (o.size_) std::memcpy(data_, o.data_, o.size_ * sizeof(T));
    return *this;
  }
  BigArray(BigArray&& o) noexcept { swap(o); }
  BigArray& operator=(BigArray&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return bytes_ / sizeof(T); }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }
  operator std::span<const T>() const { return {data_, size_}; }  // NOLINT

  // Grows or shrinks; new elements are zero.
  void resize(size_t n) {
    if (n > size_) {
      reserve(n);
      // Memory past the high-water mark is fresh (zero); below it, clear.
      size_t dirty = std::min(n, used_);
      if (dirty > size_) std::memset(data_ + size_, 0, (dirty - size_) * sizeof(T));
    }
    size_ = n;
    used_ = std::max(used_, n);
  }
  void resize(size_t n, T value) {
    size_t old = size_;
    resize(n);
    if (n > old) std::fill(data_ + old, data_ + n, value);
  }
  void reserve(size_t n) {
    if (n <= capacity()) return;
    size_t want = std::max(n * sizeof(T), bytes_ * 2);
    want = std::max(want, kMin);
    size_t grain = want >= kHuge ? kHuge : kMin;  // big arrays in huge pages
    want = (want + grain - 1) / grain * grain;
    void* p;
    if (data_ == nullptr) {
      p = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else {
      p = mremap(data_, bytes_, want, MREMAP_MAYMOVE);
    }
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, want, MADV_HUGEPAGE);
    data_ = static_cast<T*>(p);
    bytes_ = want;
  }
  void push_back(const T& v) {
    if (size_ == capacity()) reserve(size_ + 1);
    data_[size_++] = v;
    used_ = std::max(used_, size_);
  }
  void append(const T* p, size_t n) {
    if (n == 0) return;
    reserve(size_ + n);
    std::memcpy(data_ + size_, p, n * sizeof(T));
    size_ += n;
    used_ = std::max(used_, size_);
  }
  void clear() { resize(0); }
  // Returns unused capacity to the kernel.
  void shrink_to_fit() {
    if (data_ == nullptr) return;
    size_t bytes = size_ * sizeof(T);
    size_t grain = bytes >= kHuge ? kHuge : kMin;
    size_t want = std::max((bytes + grain - 1) / grain * grain, kMin);
    if (size_ == 0) {
      release();
      return;
    }
    if (want >= bytes_) return;
    void* p = mremap(data_, bytes_, want, 0);  // shrinking in place never moves
    if (p != MAP_FAILED) {
      data_ = static_cast<T*>(p);
      bytes_ = want;
      used_ = std::min(used_, capacity());
    }
  }
  // Memory in use: pages past the high-water mark were never touched.
  size_t memory_bytes() const { return std::min(bytes_, (used_ * sizeof(T) + 4095) / 4096 * 4096); }

 private:
  static constexpr size_t kHuge = size_t{2} << 20;
  static constexpr size_t kMin = size_t{64} << 10;

  void release() {
    if (data_) munmap(data_, bytes_);
    data_ = nullptr;
    bytes_ = size_ = used_ = 0;
  }
  void swap(BigArray& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(bytes_, o.bytes_);
    std::swap(size_, o.size_);
    std::swap(used_, o.used_);
  }

  T* data_ = nullptr;
  size_t bytes_ = 0;  // mapped
  size_t size_ = 0;
  size_t used_ = 0;  // high-water mark of size_: memory past it is still zero
};

}  // namespace zhida
