// zhida: the command-line entry point. Subcommands live in cmd_*.cc.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"zhida 直达 — 惠企政策直达平台（政策规则化、企业画像匹配、秒批、审核与拨付）"};
  app.set_version_flag("--version", "zhida 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  zhida::app::add_match_command(app, exit_code);
  zhida::app::add_explain_command(app, exit_code);
  zhida::app::add_check_rule_command(app, exit_code);
  zhida::app::add_import_command(app, exit_code);
  zhida::app::add_gen_district_command(app, exit_code);
  zhida::app::add_serve_command(app, exit_code);
  zhida::app::add_users_command(app, exit_code);
  zhida::app::add_audit_command(app, exit_code);
  zhida::app::add_demo_command(app, exit_code);
  zhida::app::add_decision_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
