// The subcommands of `zhida`. Each registers itself on the CLI11 app and
// returns the exit code through the callback's `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace zhida::app {

void add_match_command(CLI::App& app, int& exit_code);
void add_explain_command(CLI::App& app, int& exit_code);
void add_check_rule_command(CLI::App& app, int& exit_code);
void add_import_command(CLI::App& app, int& exit_code);
void add_gen_district_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_users_command(CLI::App& app, int& exit_code);
void add_audit_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
void add_decision_command(CLI::App& app, int& exit_code);

}  // namespace zhida::app
