// Message templates: what a notification says on each channel. Built-in
// Chinese texts per template id (the list in store/notifications_store.h);
// a deployment may replace the SMS text of any template (its provider
// usually requires registered templates) through the gateway configuration.
//
// Placeholders are {name}; a missing parameter renders as empty text.
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zhida::services {

struct MessageTemplate {
  std::string title;  // in-site title
  std::string body;   // in-site body
  std::string sms;    // SMS text (without the signature)
};

using TemplateParams = std::vector<std::pair<std::string, std::string>>;

// Replaces each {name} in text by its parameter ("" when absent).
std::string render_template(const std::string& text, const TemplateParams& params);

class Templates {
 public:
  // The built-in templates.
  Templates();
  // Replaces the SMS text of template ids present in `sms`.
  void override_sms(const std::map<std::string, std::string>& sms);
  // The template for id; for an unknown id, one that renders the params
  // "title" and "body".
  const MessageTemplate& get(const std::string& id) const;
  const std::map<std::string, MessageTemplate>& all() const { return templates_; }

 private:
  std::map<std::string, MessageTemplate> templates_;
  MessageTemplate generic_;
};

}  // namespace zhida::services
