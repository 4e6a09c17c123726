"""Password rules in Chinese where Django's own translation misses (its zh-hans catalogue has the length message
under an older wording, so the English one shows)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_error_message(self):
        return f"密码太短：至少要有 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少要有 {self.min_length} 个字符。"
