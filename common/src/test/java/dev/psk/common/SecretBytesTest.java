package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretBytesTest {
    @Test
    void toStringNeverShowsTheBytes() {
        SecretBytes s = SecretBytes.copyOf(new byte[] {0x41, 0x42, 0x43, 0x44});
        assertThat(s.toString())
                .isEqualTo("SecretBytes[4 bytes]")
                .doesNotContain("ABCD")
                .doesNotContain("41");
    }

    @Test
    void equalsIsIdentityNotContent() {
        SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2, 3});
        SecretBytes b = SecretBytes.copyOf(new byte[] {1, 2, 3});
        assertThat(a).isNotEqualTo(b);
        assertThat(a.equalsConstantTime(b)).isTrue();
        assertThat(a.equalsConstantTime(new byte[] {1, 2, 4})).isFalse();
        assertThat(a.equalsConstantTime(new byte[] {1, 2})).isFalse();
    }

    @Test
    void copyOfDoesNotAliasTheSourceButTakeOwnershipDoes() {
        byte[] src = {9, 9};
        SecretBytes copied = SecretBytes.copyOf(src);
        SecretBytes owned = SecretBytes.takeOwnership(src);
        src[0] = 1;
        assertThat(copied.reveal()[0]).isEqualTo((byte) 9);
        assertThat(owned.reveal()[0]).isEqualTo((byte) 1);
    }

    @Test
    void closeWipesTheArrayAndLaterUseFails() {
        byte[] src = {7, 7, 7};
        SecretBytes s = SecretBytes.takeOwnership(src);
        byte[] copy = s.copy();
        s.close();
        assertThat(src).containsOnly(0);
        assertThat(copy).containsOnly(7);
        assertThat(s.isWiped()).isTrue();
        assertThatThrownBy(s::reveal).isInstanceOf(IllegalStateException.class).hasMessageNotContaining("7");
        s.close(); // idempotent
    }

    @Test
    void copyOfRange() {
        SecretBytes s = SecretBytes.copyOf(new byte[] {1, 2, 3, 4}, 1, 2);
        assertThat(s.reveal()).containsExactly(2, 3);
    }
}
