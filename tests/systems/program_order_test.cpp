// Continuum's program-level FCFS (instance.queue_order: program) against arrival order on a
// two-program case: a later turn of the earlier program goes before the later program's
// turns, however long they waited.
#include <gtest/gtest.h>

#include <vector>

#include "xpusim/systems/waiting_queue.hpp"

namespace xpusim::systems {
namespace {

struct Turn {
  std::uint32_t seq;
  TimeNs arrival_ns;
  TimeNs program_ns;  // the session's first arrival
};

// Program A starts at 0 s, program B at 1 s. Queued in arrival order: B's turn 1 (1 s), B's
// turn 2 (3 s), then A's turn 2 (4 s; A's turn 1 already ran), then A's turn 3 (5 s).
const std::vector<Turn> kTurns = {{10, seconds_to_ns(1), seconds_to_ns(1)},
                                  {11, seconds_to_ns(3), seconds_to_ns(1)},
                                  {20, seconds_to_ns(4), 0},
                                  {21, seconds_to_ns(5), 0}};

std::vector<std::uint32_t> admission_order(bool program_order) {
  WaitingQueue q(nullptr);
  q.set_program_order(program_order);
  for (const Turn& t : kTurns) {
    workload::Request r;
    r.id = t.seq;
    r.arrival_ns = t.arrival_ns;
    r.prompt_tokens = 100;
    r.output_tokens = 10;
    q.push_back(t.seq, WaitingQueue::describe(r, false), t.program_ns);
  }
  std::vector<std::uint32_t> out;
  while (!q.empty()) out.push_back(q.admit_front(seconds_to_ns(6)));
  return out;
}

TEST(ProgramOrder, LaterTurnsOfTheEarlierProgramGoFirst) {
  EXPECT_EQ(admission_order(false), (std::vector<std::uint32_t>{10, 11, 20, 21}));
  EXPECT_EQ(admission_order(true), (std::vector<std::uint32_t>{20, 21, 10, 11}));
}

// A preempted request goes back to the front in either order; a request without a program
// (program_ns -1) is ordered by its own arrival.
TEST(ProgramOrder, PreemptedRequestsStayAtTheFrontAndLoneRequestsUseTheirArrival) {
  WaitingQueue q(nullptr);
  q.set_program_order(true);
  auto push = [&](std::uint32_t seq, double arrival_s, TimeNs program_ns) {
    workload::Request r;
    r.id = seq;
    r.arrival_ns = seconds_to_ns(arrival_s);
    r.prompt_tokens = 100;
    r.output_tokens = 10;
    q.push_back(seq, WaitingQueue::describe(r, false), program_ns);
  };
  push(1, 5, -1);               // no program: key 5 s
  workload::Request pre;
  pre.id = 2;
  pre.arrival_ns = seconds_to_ns(9);
  pre.prompt_tokens = 100;
  pre.output_tokens = 10;
  q.push_front(2, WaitingQueue::describe(pre, true));
  push(3, 6, seconds_to_ns(2));  // program from 2 s: before the lone request, after the preempted
  push(4, 7, -1);                // key 7 s: last
  std::vector<std::uint32_t> out;
  while (!q.empty()) out.push_back(q.admit_front(seconds_to_ns(8)));
  EXPECT_EQ(out, (std::vector<std::uint32_t>{2, 3, 1, 4}));
  EXPECT_TRUE(q.consistent());
}

}  // namespace
}  // namespace xpusim::systems
