package models_test

import (
	"fmt"
	"testing"

	"sellercenter/models"
)

// TestSupervisionMoveTable: every scenario × node × actor × action is either one of the
// workflow's moves, leading where domain.md §6.3 says, or refused.
func TestSupervisionMoveTable(t *testing.T) {
	allowed := map[string]string{}
	for _, sc := range models.SupervisionScenarios {
		review := models.NodeReview
		if sc == models.ScenarioGeneral {
			review = models.NodeAcceptance
		}
		for k, v := range map[string]string{
			"REQUIREMENT buyer submit_requirement": models.NodeConfirm,
			"CONFIRM merchant confirm":             models.NodeImplement,
			"CONFIRM merchant return":              models.NodeRequirement,
			"IMPLEMENT merchant deliver":           review,
			"ACCEPTANCE buyer accept":              models.NodeCompleted,
			"ACCEPTANCE buyer reject":              models.NodeImplement,
		} {
			allowed[sc+" "+k] = v
		}
		if sc != models.ScenarioGeneral {
			allowed[sc+" REVIEW reviewer approve"] = models.NodeAcceptance
			allowed[sc+" REVIEW reviewer send_back"] = models.NodeImplement
		}
	}
	checked := 0
	for _, sc := range models.SupervisionScenarios {
		for _, node := range models.SupervisionNodes {
			for _, actor := range models.SupervisionActors {
				for _, action := range models.SupervisionActions {
					key := fmt.Sprintf("%s %s %s %s", sc, node, actor, action)
					m, ok := models.SupervisionMove(sc, node, actor, action)
					want, allow := allowed[key]
					switch {
					case allow && (!ok || m.To != want):
						t.Errorf("%s: got %v %q, want %q", key, ok, m.To, want)
					case !allow && ok:
						t.Errorf("%s: allowed (to %s), want refused", key, m.To)
					}
					if ok && m.NeedsReason != (action == models.ActReturn || action == models.ActSendBack || action == models.ActReject) {
						t.Errorf("%s: needs a reason %v", key, m.NeedsReason)
					}
					if ok && models.SupervisionWaitsOn(node) != actor {
						t.Errorf("%s: the node waits on %s", key, models.SupervisionWaitsOn(node))
					}
					checked++
				}
			}
		}
	}
	if checked != 3*7*3*8 {
		t.Fatalf("%d combinations checked", checked)
	}
	for _, sc := range models.SupervisionScenarios {
		path := models.SupervisionPath(sc)
		for i := 0; i+1 < len(path); i++ {
			found := false
			for _, actor := range models.SupervisionActors {
				for _, action := range models.SupervisionActions {
					if m, ok := models.SupervisionMove(sc, path[i], actor, action); ok && m.To == path[i+1] {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("%s: no move from %s to %s", sc, path[i], path[i+1])
			}
		}
	}
}
