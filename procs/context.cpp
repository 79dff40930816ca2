// ProcessContext and Waker: a process's view of its record.
#include <stdexcept>

#include "procs/record.h"
#include "procs/system.h"

namespace wippy::procs {

using detail::ProcessRecord;

void Waker::wake() const {
  if (auto r = rec_.lock()) detail::wake(r);
}

const Pid& ProcessContext::pid() const { return rec_.pid; }
const Pid& ProcessContext::parent() const { return rec_.parent; }
System& ProcessContext::system() const { return rec_.host.system(); }
ProcessHost& ProcessContext::host() const { return rec_.host; }
EventLoop& ProcessContext::loop() const { return rec_.host.system().loop(); }
Clock::time_point ProcessContext::now() const { return loop().now(); }
int64_t ProcessContext::slice_budget() const { return rec_.host.options().slice_budget; }

std::optional<Message> ProcessContext::take_message() {
  std::lock_guard lk(rec_.mu);
  return rec_.inbox.pop();
}

bool ProcessContext::has_message() const {
  std::lock_guard lk(rec_.mu);
  return !rec_.inbox.empty();
}

std::optional<Event> ProcessContext::take_event() {
  std::lock_guard lk(rec_.mu);
  return rec_.events.pop();
}

bool ProcessContext::has_event() const {
  std::lock_guard lk(rec_.mu);
  return !rec_.events.empty();
}

void ProcessContext::set_trap_links(bool on) { rec_.trap_links.store(on); }
bool ProcessContext::trap_links() const { return rec_.trap_links.load(); }

bool ProcessContext::cancelled() const { return rec_.cancelled.load(); }
bool ProcessContext::terminate_requested() const { return rec_.terminate_requested.load(); }

TimerHandle ProcessContext::wake_at(Clock::time_point when) {
  size_t max = rec_.host.options().max_timers;
  std::lock_guard lk(rec_.mu);
  std::erase_if(rec_.timers, [](const TimerHandle& t) { return !t.pending(); });
  if (max && rec_.timers.size() >= max)
    throw std::runtime_error("too many pending timers: " + std::to_string(rec_.timers.size()) + " (max_timers " +
                             std::to_string(max) + ")");
  TimerHandle h = loop().at(when, [w = self()] {
    if (auto r = w.lock()) detail::wake(r);
  });
  rec_.timers.push_back(h);
  return h;
}

Waker ProcessContext::waker() const { return Waker(self()); }

// The record is in its host's table from before the first step until after the last.
std::weak_ptr<ProcessRecord> ProcessContext::self() const { return rec_.host.find(rec_.pid.id); }

}  // namespace wippy::procs
