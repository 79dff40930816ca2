// Process isolation of spec scripts: fork per script, counters in shared memory,
// the report through a temporary file.
#include "spec-tests/isolate.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec-tests/report.h"

namespace wippy::spectest {

namespace {

struct Child {
  size_t index = 0;
  Progress* progress = nullptr;  // shared with the child
  FILE* report = nullptr;        // the child writes its report here
};

std::string read_all(FILE* f) {
  std::string out;
  std::rewind(f);
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

// The report of a child that did not finish: its counters so far plus one failure.
JobResult abnormal_result(const Job& job, const Options& options, const Progress& p, int status,
                          unsigned timeout_s) {
  FileResult r;
  r.name = job.name;
  r.counts = p;
  ++r.counts.failed;
  std::string what;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    what = "timed out after " + std::to_string(timeout_s) + " s";
  } else if (WIFSIGNALED(status)) {
    what = "crashed with signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  } else {
    what = "runner exited with status " + std::to_string(WEXITSTATUS(status));
  }
  std::string command(p.command, strnlen(p.command, sizeof p.command));
  r.failures.push_back("line " + std::to_string(p.line) + ": " + command + ": " + what +
                       " (the rest of the script did not run)");
  return JobResult{r.counts, format_report(r, options.verbose)};
}

}  // namespace

JobResult run_in_process(const Job& job, const Options& options) {
  FileResult r = run_script(job.json, job.name, options);
  return JobResult{r.counts, format_report(r, options.verbose)};
}

void run_isolated(const std::vector<Job>& all, const Options& options, unsigned jobs,
                  unsigned timeout_s, const std::function<void(const JobResult&)>& done) {
  if (jobs == 0) jobs = 1;
  std::map<pid_t, Child> running;
  std::map<size_t, JobResult> finished;
  size_t next_start = 0;
  size_t next_report = 0;

  auto start = [&](size_t index) {
    void* mem = mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
    Child child{index, new (mem) Progress{}, std::tmpfile()};
    if (!child.report) throw std::runtime_error(std::string("tmpfile: ") + std::strerror(errno));
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      if (timeout_s) alarm(timeout_s);
      int code = 0;
      try {
        FileResult r = run_script(all[index].json, all[index].name, options, child.progress);
        std::string text = format_report(r, options.verbose);
        if (std::fwrite(text.data(), 1, text.size(), child.report) != text.size() ||
            std::fflush(child.report) != 0) {
          code = 3;
        }
      } catch (...) {
        code = 4;
      }
      _exit(code);
    }
    running.emplace(pid, child);
  };

  while (next_report < all.size()) {
    while (running.size() < jobs && next_start < all.size()) start(next_start++);
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    Child child = it->second;
    running.erase(it);
    const Job& job = all[child.index];
    JobResult result;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      result = JobResult{*child.progress, read_all(child.report)};
    } else {
      result = abnormal_result(job, options, *child.progress, status, timeout_s);
    }
    std::fclose(child.report);
    munmap(child.progress, sizeof(Progress));
    finished.emplace(child.index, std::move(result));
    for (auto f = finished.find(next_report); f != finished.end(); f = finished.find(next_report)) {
      done(f->second);
      finished.erase(f);
      ++next_report;
    }
  }
}

}  // namespace wippy::spectest
