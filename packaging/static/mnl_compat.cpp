// The static build only (VPCPROBE_STATIC, cmake/static.cmake): Debian ships libmnl as a shared
// library only (libmnl-dev has no libmnl.a), so a fully static vpcprobe cannot link it. These are
// the libmnl calls libvpcprobe makes (lib/src/wire/netlink.cpp), written from libmnl's documented
// behaviour: messages and attributes are aligned to 4 bytes (MNL_ALIGN), and buffers are zeroed
// where libmnl zeroes them. The shared build links the real libmnl; tests/integration/static.sh
// runs the static binary's netlink paths (route, link, neighbor) against the kernel.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <libmnl/libmnl.h>

namespace {
constexpr std::size_t align4(std::size_t len) { return (len + MNL_ALIGNTO - 1) & ~static_cast<std::size_t>(MNL_ALIGNTO - 1); }
constexpr std::size_t kNlmsgHdrLen = align4(sizeof(struct nlmsghdr));
constexpr std::size_t kAttrHdrLen = align4(sizeof(struct nlattr));
}  // namespace

extern "C" {

size_t mnl_nlmsg_size(size_t len) { return len + kNlmsgHdrLen; }

size_t mnl_nlmsg_get_payload_len(const struct nlmsghdr* nlh) { return nlh->nlmsg_len - kNlmsgHdrLen; }

struct nlmsghdr* mnl_nlmsg_put_header(void* buf) {
  std::memset(buf, 0, kNlmsgHdrLen);
  auto* nlh = static_cast<struct nlmsghdr*>(buf);
  nlh->nlmsg_len = static_cast<std::uint32_t>(kNlmsgHdrLen);
  return nlh;
}

void* mnl_nlmsg_put_extra_header(struct nlmsghdr* nlh, size_t size) {
  char* ptr = reinterpret_cast<char*>(nlh) + nlh->nlmsg_len;
  const std::size_t len = align4(size);
  nlh->nlmsg_len += static_cast<std::uint32_t>(len);
  std::memset(ptr, 0, len);
  return ptr;
}

void* mnl_nlmsg_get_payload(const struct nlmsghdr* nlh) {
  return const_cast<char*>(reinterpret_cast<const char*>(nlh)) + kNlmsgHdrLen;
}

uint16_t mnl_attr_get_type(const struct nlattr* attr) { return attr->nla_type & NLA_TYPE_MASK; }

uint16_t mnl_attr_get_payload_len(const struct nlattr* attr) {
  return static_cast<uint16_t>(attr->nla_len - kAttrHdrLen);
}

void* mnl_attr_get_payload(const struct nlattr* attr) {
  return const_cast<char*>(reinterpret_cast<const char*>(attr)) + kAttrHdrLen;
}

bool mnl_attr_ok(const struct nlattr* attr, int len) {
  return len >= static_cast<int>(sizeof(struct nlattr)) && attr->nla_len >= sizeof(struct nlattr) &&
         static_cast<int>(attr->nla_len) <= len;
}

void mnl_attr_put(struct nlmsghdr* nlh, uint16_t type, size_t len, const void* data) {
  char* tail = reinterpret_cast<char*>(nlh) + align4(nlh->nlmsg_len);
  auto* attr = reinterpret_cast<struct nlattr*>(tail);
  const std::size_t attr_len = kAttrHdrLen + len;
  attr->nla_type = type;
  attr->nla_len = static_cast<uint16_t>(attr_len);
  char* payload = tail + kAttrHdrLen;
  std::memcpy(payload, data, len);
  std::memset(payload + len, 0, align4(len) - len);
  nlh->nlmsg_len += static_cast<std::uint32_t>(align4(attr_len));
}

void mnl_attr_put_u32(struct nlmsghdr* nlh, uint16_t type, uint32_t data) { mnl_attr_put(nlh, type, sizeof data, &data); }

void mnl_attr_put_strz(struct nlmsghdr* nlh, uint16_t type, const char* data) {
  mnl_attr_put(nlh, type, std::strlen(data) + 1, data);
}

}  // extern "C"
