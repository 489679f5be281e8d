package idcheck

import "testing"

func TestUSCC(t *testing.T) {
	good := []string{"91350100M000100Y43", "91110000802100433B"}
	bad := []string{"91350100M000100Y44", "91350100M000100Y4", "", "91350100I000100Y43", "abcdefghijklmnopqr"}
	for _, c := range good {
		if !USCC(c) {
			t.Errorf("USCC(%q) = false, want true", c)
		}
	}
	for _, c := range bad {
		if USCC(c) {
			t.Errorf("USCC(%q) = true, want false", c)
		}
	}
}

func TestResidentID(t *testing.T) {
	good := []string{"11010519491231002X", "110105194912310029"[:17] + "X", "440524188001010014"}
	bad := []string{"110105194912310021", "1101051949123100", "11010519491231002Y"}
	for _, c := range good {
		if !ResidentID(c) {
			t.Errorf("ResidentID(%q) = false", c)
		}
	}
	for _, c := range bad {
		if ResidentID(c) {
			t.Errorf("ResidentID(%q) = true", c)
		}
	}
}

func TestPhones(t *testing.T) {
	for _, s := range []string{"13800138000", "+8619912345678"} {
		if !Mobile(s) || !Phone(s) {
			t.Errorf("mobile %q refused", s)
		}
	}
	for _, s := range []string{"010-88886666", "02188886666", "400-820-1234", "0755-2688888-123"} {
		if !Phone(s) {
			t.Errorf("phone %q refused", s)
		}
	}
	for _, s := range []string{"12800138000", "1380013800", "abc", "010-1234"} {
		if Mobile(s) || Phone(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestBank(t *testing.T) {
	if !BankCard("6222 0202 0000 0000 007") && !BankCard("4111111111111111") {
		t.Error("valid card refused")
	}
	if BankCard("4111111111111112") {
		t.Error("Luhn failure accepted")
	}
	if !BankAccount("1100 1234 5678 9012") || BankAccount("1234567") || BankAccount("12345678x") {
		t.Error("account rules")
	}
}
